/**
 * Reading an answer of the Orgo API: one parser for the client's requests, its raw paths
 * (screenshots, uploads) and downloads. A body that is JSON is parsed; an error's body is taken in
 * Orgo's shape (`{"error", "code", ...}`) when it has one, else its first words or the status text.
 */
import type { ApiErrorBody } from './types.js';

/** The body as JSON, or undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The error body of a failed answer, in Orgo's shape whatever the server sent. */
export function errorBody(text: string, statusText: string, parsed: unknown = parseJson(text)): ApiErrorBody {
  if (parsed && typeof parsed === 'object' && 'error' in parsed) return parsed as ApiErrorBody;
  return { error: text.slice(0, 300) || statusText };
}
