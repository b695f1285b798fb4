// Hospital IT's configuration check on the staff screen, and the rehearsal faults of the embedded
// platform simulator (shown only when the terminal runs on it): one tap a fault, the one on marked.
import type { ConfigCheck, SimFaultPreset } from '../../../terminal/api/schema';
import type { TextKey } from '../i18n';

const warningText: Record<ConfigCheck['warnings'][number], TextKey> = {
  'demo-admin-pin': 'configWarnDemoPin',
  'embedded-platform': 'configWarnEmbeddedPlatform',
  'embedded-his': 'configWarnEmbeddedHis',
  'unsigned-platform': 'configWarnUnsigned',
  'no-msgid-slot': 'configWarnMsgidSlot',
  'no-scanner': 'configWarnNoScanner',
  'no-printer': 'configWarnNoPrinter',
  'in-room-loopback': 'configWarnInRoomLoopback',
  'in-room-no-workstation': 'configWarnInRoomNoWorkstation',
  'device-config': 'configWarnDeviceConfig',
};

/** Staff read a name, not the core's key; a key this screen does not know yet shows as it is. */
const itemName: Record<string, TextKey> = {
  terminal: 'configKeyTerminal',
  platform: 'configKeyPlatform',
  his: 'configKeyHis',
  devices: 'configKeyDevices',
  offline: 'configKeyOffline',
  face: 'configKeyFace',
  'in-room': 'configKeyInRoom',
  'journal key': 'configKeyJournalKey',
  'journal check': 'configKeyJournalCheck',
  'journal backup': 'configKeyJournalBackup',
  'journal retention': 'configKeyJournalRetention',
};

const presetText: Record<SimFaultPreset, TextKey> = {
  none: 'faultNone',
  'platform-down': 'faultPlatformDown',
  'slow-platform': 'faultSlow',
  'lost-settlement-answers': 'faultLostAnswers',
  'platform-errors': 'faultErrors',
};

/** The words the core's values are made of, in the staff's language; hosts, ids and numbers stay as they are. */
const valueWord: Record<string, TextKey> = {
  on: 'configValOn',
  off: 'configValOff',
  'embedded simulator': 'configValEmbedded',
  'keep everything': 'configValKeepAll',
  'none yet': 'configValNoneYet',
};

function valueText(value: string, t: (key: TextKey) => string): string {
  return value
    .split(' · ')
    .map((part) => (valueWord[part] ? t(valueWord[part] as TextKey) : part))
    .join(' · ');
}

export function ConfigPanel(props: { config: ConfigCheck; t: (key: TextKey) => string; busy: boolean; onFaults: (preset: SimFaultPreset) => void }) {
  const { config, t, busy } = props;
  return (
    <>
      <h2 id="admin-config-title">{t('configTitle')}</h2>
      <dl className="config-items" data-testid="config-items" aria-labelledby="admin-config-title">
        {config.items.map((item) => (
          <div key={item.key} className="row" data-key={item.key}>
            <dt>{itemName[item.key] ? t(itemName[item.key] as TextKey) : item.key}</dt>
            <dd className="config-value">{valueText(item.value, t)}</dd>
          </div>
        ))}
      </dl>
      {config.warnings.length === 0 ? (
        <p className="ok" data-testid="config-ok">
          {t('configNoWarnings')}
        </p>
      ) : (
        <ul className="config-warnings" data-testid="config-warnings">
          {config.warnings.map((w) => (
            <li key={w} data-warning={w}>
              {t(warningText[w])}
            </li>
          ))}
        </ul>
      )}
      {config.simulatorFaults !== null && (
        <>
          <h2 id="admin-faults-title">{t('faultTitle')}</h2>
          <p className="hint">{t('faultHint')}</p>
          <div className="fault-presets" role="radiogroup" aria-labelledby="admin-faults-title" data-testid="fault-presets">
            {(Object.keys(presetText) as SimFaultPreset[]).map((preset) => (
              <button
                key={preset}
                type="button"
                role="radio"
                aria-checked={config.simulatorFaults === preset}
                className={config.simulatorFaults === preset ? 'primary' : 'secondary'}
                data-testid={`fault-${preset}`}
                disabled={busy}
                onClick={() => props.onFaults(preset)}
              >
                {t(presetText[preset])}
              </button>
            ))}
          </div>
        </>
      )}
    </>
  );
}
