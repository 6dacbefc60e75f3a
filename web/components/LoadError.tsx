// A list that could not be loaded: why, and "Try again" only when asking
// again can help (the network or the server, not a refused request).

export default function LoadError({ what, error, retryable, onRetry }: { what: string; error: string | null; retryable: boolean; onRetry: () => void }) {
  return (
    <div className="panel" role="alert">
      <p>
        Could not load {what}. {error}
      </p>
      {retryable && (
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
