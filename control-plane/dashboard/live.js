// Live refresh of the fleet table (progressive enhancement: without this script, reloading works).
// The server sends a `fleet` event (data: the fleet version) on connect and whenever the fleet view
// changes; when it differs from the version of the table on screen, we re-fetch the table fragment.
(() => {
  const box = document.getElementById('fleet-live');
  if (!box || typeof EventSource !== 'function') return;
  const note = document.getElementById('live-note');
  let busy = false;
  let again = false;

  async function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const res = await fetch(box.dataset.src, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      // A redirect means the session ended: reload to land on the sign-in page.
      if (res.redirected || !res.ok) {
        window.location.reload();
        return;
      }
      box.innerHTML = await res.text();
    } finally {
      busy = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  }

  const events = new EventSource(box.dataset.events);
  // Each event carries the fleet version; the table on screen carries the one it was rendered from.
  events.addEventListener('fleet', (e) => {
    const table = document.getElementById('fleet-table');
    if (!table || table.dataset.version !== e.data) void refresh();
  });
  events.addEventListener('open', () => {
    if (note) note.textContent = 'Live: the table updates by itself.';
  });
  events.addEventListener('error', () => {
    if (note) note.textContent = 'Live updates paused; reconnecting…';
  });
})();
