/**
 * The login audience names the deployment a signature is meant for: the lower-case host
 * name of the server URL the client connected to, without scheme or port, as WebAuthn
 * binds a credential to its relying party's domain. The client derives it from the URL
 * it chose to reach, never from anything the server says, so a deployment that relays
 * another's challenge gets a signature naming itself, which the other refuses.
 */
export function audienceOfServerUrl(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch (error) {
    throw new TypeError(`"${serverUrl}" is not a server URL such as wss://chat.example.com`, { cause: error });
  }
  return url.hostname.toLowerCase();
}

/** A deployment's audiences from a comma-separated setting, e.g. "chat.example.com,localhost". */
export function parseAudiences(setting: string): string[] {
  return setting
    .split(',')
    .map((audience) => audience.trim().toLowerCase())
    .filter((audience) => audience !== '');
}
