const bar = document.getElementById('bar');
async function refresh() {
  try {
    const response = await fetch('/batches/' + bar.dataset.batch, { headers: { 'Accept': 'application/json' } });
    if (!response.ok) return;
    const detail = await response.json();
    const runs = detail.batch.runs;
    if (runs.finished !== Number(bar.dataset.finished) || !['queued', 'running'].includes(detail.batch.status)) { location.reload(); return; }
    let x = 0;
    for (const segment of bar.querySelectorAll('rect')) {
      const width = 100 * runs[segment.dataset.status] / Math.max(1, runs.total);
      segment.setAttribute('x', x);
      segment.setAttribute('width', width);
      x += width;
    }
    const text = await fetch('/ui/batches/' + bar.dataset.batch + '/progress', { headers: { 'Accept': 'text/plain' } });
    if (text.ok) document.getElementById('progress-text').textContent = await text.text();
  } catch (e) { }
}
if (bar) setInterval(refresh, 3000);
const run = document.getElementById('run-live');
async function refreshRun() {
  try {
    const response = await fetch('/runs/' + run.dataset.run, { headers: { 'Accept': 'application/json' } });
    if (!response.ok) return;
    const detail = await response.json();
    if (detail.run.status !== run.dataset.status || detail.epochs.length !== Number(run.dataset.epochs)) location.reload();
  } catch (e) { }
}
if (run) setInterval(refreshRun, 3000);
