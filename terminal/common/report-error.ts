// One place for an error that is caught so the terminal keeps going (a background retry, a close
// on the way out): it is still reported, with its cause, to whatever the host installed (the log
// and the metrics in terminal/app; nothing in a bare unit test). Instead of `.catch(() => undefined)`
// write `.catch(reportError('replay.notifyHis'))`.
export type ErrorSink = (where: string, err: unknown) => void;

let sink: ErrorSink = () => {};

/** Installs the sink (start-terminal does, once); returns a function that puts the previous one back. */
export function setErrorSink(next: ErrorSink): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}

/** A catch handler that reports and swallows: the promise resolves to undefined. */
export function reportError(where: string): (err: unknown) => undefined {
  return (err) => {
    try {
      sink(where, err);
    } catch {
      // A broken sink must not turn a handled error into an unhandled one.
    }
    return undefined;
  };
}
