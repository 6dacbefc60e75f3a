// The end of a "Delete …?" dialog: the error, if any, then the delete and
// cancel buttons (cancel focused first: deleting takes a deliberate move).

export default function DeleteActions({
  error,
  busy,
  label,
  onDelete,
  onCancel,
}: {
  error: string | null;
  busy: boolean;
  label: string;
  onDelete: () => void;
  onCancel: () => void;
}) {
  return (
    <>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="button" className="btn danger-solid" onClick={onDelete} disabled={busy}>
          {busy ? 'Deleting…' : label}
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={busy} data-autofocus>
          Cancel
        </button>
      </div>
    </>
  );
}
