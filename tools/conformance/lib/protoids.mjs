// OpenD protocol ids and the official package that defines each message.
export const PROTO = {
  InitConnect: 1001,
  GetGlobalState: 1002,
  Notify: 1003,
  KeepAlive: 1004,
  Trd_GetAccList: 2001,
  Trd_UnlockTrade: 2005,
  Trd_SubAccPush: 2008,
  Trd_GetOrderList: 2201,
  Trd_PlaceOrder: 2202,
  Trd_ModifyOrder: 2205,
  Trd_UpdateOrder: 2208,
  Trd_UpdateOrderFill: 2218,
  Qot_Sub: 3001,
  Qot_GetBasicQot: 3004,
  Qot_UpdateBasicQot: 3005,
  Qot_GetStaticInfo: 3202,
};

const BY_ID = new Map(Object.entries(PROTO).map(([name, id]) => [id, name]));

// packageOf returns the official package name of a proto id, or undefined.
export function packageOf(protoId) {
  return BY_ID.get(protoId);
}
