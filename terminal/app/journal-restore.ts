// `npm run journal:restore -- --data DIR [--from BACKUP] [--config FILE]`: after the terminal refused
// to start on a damaged, rolled-back or lost journal, sets the journal's files aside (renamed with a
// timestamp, nothing deleted) and restores a backup: --from a backup file or a folder of them (the
// newest is taken); without --from, the newest in the config's journal.backup.dir. Refused while a
// terminal runs on the folder. Every call the backup still had open is resolved by a query at the
// next start before anything is sent again.
import { loadConfig, ConfigError } from '../config/config';
import { restoreJournal } from '../journal/backup';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): void {
  const dataDir = arg('--data');
  if (!dataDir) throw new Error('usage: npm run journal:restore -- --data DIR [--from BACKUP_FILE_OR_DIR] [--config FILE]');
  const config = arg('--from') ? null : loadConfig(arg('--config') ?? process.env.TERMINAL_CONFIG);
  const from = arg('--from') ?? config?.journal.backup.dir;
  if (!from) throw new Error('no backup named: pass --from BACKUP, or --config with journal.backup.dir set');
  const result = restoreJournal({ dataDir, from });
  console.log(`restored ${result.restored} into ${dataDir}`);
  for (const f of result.setAside) console.log(`  set aside: ${f}`);
  console.log(`  calls the backup had open: ${result.reopenedCalls} (each is resolved with the platform by a query first, at the next start)`);
  console.log(`  high-water mark reset to the backup's: events ${result.sequence.settlementEvents}, calls ${result.sequence.outbox}`);
  console.log('Visits settled after this backup was taken are on the platform but not in this journal: reconcile the day (staff screen) after the start.');
}

try {
  main();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `journal restore failed: ${(err as Error).message}`);
  process.exit(1);
}
