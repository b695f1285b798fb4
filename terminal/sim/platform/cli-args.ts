// Reads "--name value" from the command line for the simulator CLIs.
export function argValue(name: string, argv: string[] = process.argv.slice(2)): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
