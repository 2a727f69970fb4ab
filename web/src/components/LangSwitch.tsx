import { LANGS, setLang, translate, useLang, type Lang } from '../lib/i18n';

/** LangSwitch chooses the panel's language (remembered in localStorage). */
export function LangSwitch() {
  const { lang, t } = useLang();
  return (
    <select className="lang-switch" aria-label={t('lang.switch')} value={lang} onChange={(e) => setLang(e.target.value as Lang)} data-testid="lang-switch">
      {LANGS.map((l) => (
        <option key={l} value={l} lang={l === 'zh' ? 'zh-CN' : 'en'}>
          {translate(l, 'lang.name')}
        </option>
      ))}
    </select>
  );
}
