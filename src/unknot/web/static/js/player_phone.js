// "Play on my phone" on this machine's player of a self routine (issue 15). The server draws a pairing (a QR code,
// a short code, a check code) for this session only; once the phone has opened it, the phone plays the routine and
// this page falls silent (player.js listens for "unknot:handed-over") and says so, with the check code. When the
// routine has ended on the phone, this page goes on to the pain after, which is rated here.

const root = document.getElementById("player");
const id = root.dataset.session;
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const $ = (name) => document.getElementById(name);
const base = `/api/sessions/${id}/phone`;

let watching = null;

async function offer() {
  const response = await fetch(`${base}/pairing`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
    body: JSON.stringify({ allow_another: true }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    $("phone-status").textContent = answer.error ? answer.error.message : `the server answered ${response.status}`;
    return;
  }
  $("phone-qr").src = answer.qr;
  $("phone-short-url").textContent = answer.short_url;
  $("phone-short").textContent = answer.short_code;
  $("phone-code").textContent = answer.check_code;
  $("phone-offer").hidden = false;
  $("phone-status").textContent = "Waiting for the phone to open the code…";
  clearInterval(watching);
  watching = setInterval(() => look(answer.check_code), 1000);
}

async function look(code) {
  const response = await fetch(base, { headers: { accept: "application/json" } });
  if (!response.ok) return;
  const answer = await response.json();
  if (!answer.check_codes.includes(code)) return;
  clearInterval(watching);
  $("phone-offer").hidden = true;
  $("phone-status").textContent = `Playing on your phone (check code ${code}). This page stays quiet.`;
  document.dispatchEvent(new CustomEvent("unknot:handed-over"));
  watching = setInterval(ended, 2000);
}

async function ended() {
  const response = await fetch(`/api/sessions/${id}`, { headers: { accept: "application/json" } });
  if (!response.ok) return;
  const answer = await response.json();
  if (answer.state !== "finished" && answer.state !== "stopped") return;
  clearInterval(watching);
  window.location.assign(`/sessions/${id}/after`);
}

$("phone-pair").addEventListener("click", offer);

// Opened again (a reload) while a phone plays the routine: say so, and wait for its end.
if (root.dataset.handedOver === "true") {
  $("phone-status").textContent = "Playing on your phone. This page stays quiet.";
  watching = setInterval(ended, 2000);
}
