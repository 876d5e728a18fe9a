/**
 * "Stop all computers" in words, one text for the tray (Electron) and the page's status box
 * (browser mode): the question says how many stop before anything does, and the answer says
 * what happened.
 */
export function stopAllQuestion(running: number, profileName: string): { title: string; body: string; confirm: string } {
  const n = `${running} running computer${running === 1 ? '' : 's'}`;
  return {
    title: `Stop ${running === 1 ? 'the' : `all ${running}`} running computer${running === 1 ? '' : 's'}?`,
    body: `The ${n} of “${profileName}” stop. Their disks stay; start them again from the list. Whatever runs on them now (programs, unsaved work) ends.`,
    confirm: `Stop ${n}`,
  };
}

export function stopAllAnswer(r: { stopped: number; failed: string[] }): { ok: boolean; title: string; detail: string } {
  const stopped = `Stopped ${r.stopped} computer${r.stopped === 1 ? '' : 's'}.`;
  return r.failed.length
    ? { ok: false, title: 'Some computers did not stop', detail: `${r.stopped ? `${stopped} ` : ''}${r.failed.join('; ')}` }
    : { ok: true, title: 'Computers stopped', detail: stopped };
}
