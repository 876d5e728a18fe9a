/** Shared by the agent tests: a scripted model that finds a coloured window and works in it, and raw calls to the endpoint. */
import { TEST_KEY } from './host.js';
import { findColour, type Reply, type SeenRequest } from './anthropic-double.js';

export const MAGENTA: [number, number, number] = [255, 0, 255];

/** Opens a terminal with a magenta background at (x, y) for the scripted model to find. */
export function magentaTerminal(x: number, y: number, title = 'target'): string {
  return `xterm -xrm 'XTerm*allowTitleOps: false' -T ${title} -bg '#ff00ff' -fg black -geometry 40x8+${x}+${y} -e bash >/dev/null 2>&1 &
    for i in $(seq 200); do xdotool search --onlyvisible --name '^${title}$' >/dev/null 2>&1 && break; sleep 0.05; done; sleep 0.3`;
}

/**
 * The model's side of "write agent-42 into ~/agent.txt in the magenta terminal": a screenshot,
 * then a click on the magenta window it sees (in the screenshot's pixels), then typing, then done.
 * Without a real screenshot it cannot find the window and gives up, so the test fails.
 */
export function magentaScript(command = 'echo agent-$((6*7)) > ~/agent.txt'): (req: SeenRequest) => Reply {
  return (req) => {
    const answered = req.answering[0]?.action;
    if (!req.answering.length) return { text: 'I will look at the screen first.', tool: { name: 'computer', input: { action: 'screenshot' } } };
    if (answered === 'screenshot') {
      const shot = req.screenshots[0];
      const box = shot && findColour(shot, MAGENTA);
      if (!box) return { text: 'I cannot see a magenta window on the screen.' };
      return { text: `The magenta terminal is at ${box.cx},${box.cy}; clicking it.`, tool: { name: 'computer', input: { action: 'left_click', coordinate: [box.cx, box.cy] } } };
    }
    if (answered === 'left_click') return { tool: { name: 'computer', input: { action: 'type', text: `${command}\n` } } };
    if (answered === 'type') return { text: 'Done: the command ran in the magenta terminal.' };
    return { text: `unexpected: ${answered}` };
  };
}

export interface ChatAnswer {
  status: number;
  headers: Headers;
  body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function chat(api: string, body: unknown, headers: Record<string, string> = {}): Promise<ChatAnswer> {
  const res = await fetch(`${api}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}

export async function getJson(api: string, path: string, method = 'GET'): Promise<ChatAnswer> {
  const res = await fetch(`${api}${path}`, { method, headers: { authorization: `Bearer ${TEST_KEY}` } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
}
