// HKEX spread table: the minimum price step of an HK stock at a price.
const BANDS = [
  [0.25, 0.001], [0.5, 0.005], [10, 0.01], [20, 0.02], [100, 0.05], [200, 0.1],
  [500, 0.2], [1000, 0.5], [2000, 1], [5000, 2], [Infinity, 5],
];

export function hkTick(price) {
  return BANDS.find(([upTo]) => price <= upTo)[1];
}

// hkPriceBelow returns the highest valid HK price at or below price.
export function hkPriceBelow(price) {
  const tick = hkTick(price);
  return Number((Math.floor(price / tick + 1e-9) * tick).toFixed(3));
}
