// The API path of one list.
export const listPath = (id: string) => '/api/lists/' + encodeURIComponent(id);
