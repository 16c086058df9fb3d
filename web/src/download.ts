import { useSession } from './session';

/** The file name the API gives an attachment, else `fallback`. */
function fileName(disposition: string | null, fallback: string): string {
  return /filename="([^"]+)"/.exec(disposition ?? '')?.[1] ?? fallback;
}

/**
 * Downloads what the API answers as CSV, as the signed-in caller: a link cannot carry the bearer
 * token, so the file is fetched with it and handed to the browser as a blob under the API's name.
 * Answers the API's message when it refuses.
 */
export function useCsvDownload(): (path: string, fallbackName: string) => Promise<string | undefined> {
  const { session, signIn } = useSession();
  return async (path, fallbackName) => {
    const response = await fetch(path, { headers: { accept: 'text/csv', ...(session ? { authorization: `Bearer ${session.token}` } : {}) } });
    if (!response.ok) {
      if (response.status === 401 && session) signIn(undefined);
      const json = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
      return json.error?.message ?? response.statusText;
    }
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName(response.headers.get('content-disposition'), fallbackName);
    document.body.append(link);
    link.click();
    link.remove();
    // Revoked at once, a slow browser could find the blob gone before it has read it.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return undefined;
  };
}
