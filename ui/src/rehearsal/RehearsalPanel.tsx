// The rehearsal panel: hospital IT plays any demo person (医保码, social security card, ID card)
// into the kiosk, has the simulated HIS issue new bills, and starts the demo over. Shown only when
// the core answers for embedded simulators; it acts through the same API as every screen, with its
// own calls so a rehearsal never blocks or drops a patient's tap.
import { useState } from 'react';
import type { Command, CommandResult, RehearsalView, ServiceKind, SessionStep } from '../../../terminal/api/schema';
import type { Lang } from '../i18n';
import { billKindText, issuedText, rehearsalText } from './rehearsal-text';

const credentials = [
  { credential: 'ec-qr', label: 'presentEcQr' },
  { credential: 'ss-card', label: 'presentSsCard' },
  { credential: 'id-card', label: 'presentIdCard' },
] as const;
const billKinds: readonly ServiceKind[] = ['registration', 'outpatient', 'discharge'];

export function RehearsalPanel(props: { people: RehearsalView['people']; execute: (command: Command) => Promise<CommandResult>; step: SessionStep | null; lang: Lang }) {
  const { people, lang } = props;
  const [person, setPerson] = useState(people[0]?.key ?? '');
  const [working, setWorking] = useState(false);
  const [line, setLine] = useState<{ text: string; ok: boolean } | null>(null);
  const tr = (key: Parameters<typeof rehearsalText>[1]) => rehearsalText(lang, key);

  async function act(command: Command, said: (result: Extract<CommandResult, { ok: true }>) => string) {
    setWorking(true);
    // The last answer goes at once, so what shows next is this command's answer.
    setLine(null);
    try {
      const result = await props.execute(command);
      setLine(result.ok ? { text: said(result), ok: true } : { text: result.error.message, ok: false });
    } catch (err) {
      setLine({ text: (err as Error).message, ok: false });
    } finally {
      setWorking(false);
    }
  }

  const chosen = people.find((p) => p.key === person);
  return (
    <aside className="rehearsal" data-testid="rehearsal-panel" aria-labelledby="rehearsal-title" lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      <h2 id="rehearsal-title">{tr('title')}</h2>
      <label className="rehearsal-person">
        {tr('person')}
        <select data-testid="rehearsal-person" value={person} onChange={(e) => setPerson(e.target.value)}>
          {people.map((p) => (
            <option key={p.key} value={p.key}>
              {`${p.key}: ${p.shows[lang]}`}
            </option>
          ))}
        </select>
      </label>
      {chosen && <p className="hint">{chosen.shows[lang]}</p>}
      <div className="rehearsal-row">
        {credentials.map((c) => (
          <button
            key={c.credential}
            type="button"
            className="secondary"
            data-testid={`rehearsal-present-${c.credential}`}
            disabled={working || props.step !== 'identify'}
            onClick={() => void act({ type: 'rehearsal.present', person, credential: c.credential }, () => tr('presented'))}
          >
            {tr(c.label)}
          </button>
        ))}
      </div>
      {props.step !== 'identify' && <p className="hint">{tr('presentHint')}</p>}
      <div className="rehearsal-row">
        <span>{tr('newBill')}</span>
        {billKinds.map((kind) => (
          <button
            key={kind}
            type="button"
            className="secondary"
            data-testid={`rehearsal-bill-${kind}`}
            disabled={working}
            onClick={() => void act({ type: 'rehearsal.newBill', person, kind }, (r) => (r.rehearsal?.issued ? issuedText(lang, r.rehearsal.issued) : ''))}
          >
            {billKindText(lang, kind)}
          </button>
        ))}
      </div>
      <div className="rehearsal-row">
        <button
          type="button"
          className="secondary"
          data-testid="rehearsal-reset"
          disabled={working || props.step !== 'idle'}
          onClick={() => void act({ type: 'rehearsal.reset' }, (r) => rehearsalText(lang, 'reissued', { count: r.rehearsal?.reissued ?? 0 }))}
        >
          {tr('reset')}
        </button>
      </div>
      {line && (
        <p className={line.ok ? 'rehearsal-line' : 'rehearsal-line bad'} role="status" data-testid="rehearsal-line" data-ok={String(line.ok)}>
          {line.text}
        </p>
      )}
    </aside>
  );
}
