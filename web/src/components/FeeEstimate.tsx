// The confirmation's fee line: POST /api/order-fee-estimate for the very body the
// order would be placed with. The order service values it as a placement would and
// runs the same checks, without booking anything, so a refusal shows up here first.
import { useEffect, useState } from 'react';
import { ApiClient, userMessage } from '../api/client';
import { feeBasis, feeTitle, type FeeEstimate as Estimate } from '../lib/fees';
import { fmtMoney, useLang } from '../lib/i18n';

export function FeeEstimate(props: { api: ApiClient; body: object }) {
  const { api, body } = props;
  const { lang, t } = useLang();
  const [state, setState] = useState<{ est?: Estimate; err?: string } | null>(null);
  const key = JSON.stringify(body);
  useEffect(() => {
    let stale = false;
    setState(null);
    api
      .post<Estimate>('/api/order-fee-estimate', body)
      .then((est) => !stale && setState({ est }))
      .catch((e) => !stale && setState({ err: userMessage(e, t('act.estimateFee'), t) }));
    return () => {
      stale = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- key names the request
  }, [key, api]);

  if (!state) return <span className="muted">{t('confirm.feeEstimating')}</span>;
  if (state.err !== undefined)
    return (
      <span className="field-error" data-testid="confirm-fee-refused">
        {t('confirm.feeRefused', { msg: state.err })}
      </span>
    );
  const est = state.est ?? {};
  const basis = feeBasis(est);
  if (basis === 'simulated') return <span data-testid="confirm-fee-simulated">{t('confirm.feeSim')}</span>;
  if (basis === 'none') return <span className="muted">{t('confirm.feeNoSchedule')}</span>;
  const money = (v: number | undefined) => `${fmtMoney(lang, v ?? 0)}${est.currency ? ' ' + est.currency : ''}`;
  return (
    <>
      <strong data-testid="confirm-fee-amount">≈ {money(est.fee_amount)}</strong>
      <ul className="fee-list small" data-testid="confirm-fee-items">
        {(est.fee_list ?? []).map((f, i) => (
          <li key={`${f.title}-${i}`}>
            {feeTitle(t, f.title)}: {money(f.value)}
          </li>
        ))}
      </ul>
      <span className="muted small">{t('confirm.feeSchedule')}</span>
    </>
  );
}
