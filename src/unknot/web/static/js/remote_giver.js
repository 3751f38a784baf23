// The receiver's remote on the giver's player (issue 15). "Pair the receiver's phone" asks the server for a pairing
// (a QR code it drew, a short code, a check code). Taps arrive as Server-Sent Events, numbered: each is shown and
// spoken at once and reported back as seen; a Stop or "It hurts" (an alarm: the server has halted the step) fills
// the screen with a notice and a chime that repeats until "I've stopped" is tapped. After a dropped connection the
// page reconnects and the server replays what it missed (Last-Event-ID). The split view (a couple sharing this
// screen, no phone) shows the receiver's buttons here: their taps go to the same server path and come back the same
// way.

const root = document.getElementById("player");
const id = root.dataset.session;
const language = root.dataset.language || "en";
const voiceOn = root.dataset.voice === "on";
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const $ = (name) => document.getElementById(name);
const base = `/api/sessions/${id}/remote`;
const CHIME_EVERY_MS = 2500;

let last = 0; // the number of the last tap this page has shown
let source = null;
let paired = 0;
let pairedCodes = [];
let audio = null;
let chimeTimer = null;
const alarms = new Map(); // seq -> tap, alarms not yet acknowledged

async function post(path, body) {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
    body: JSON.stringify(body || {}),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error ? answer.error.message : `the server answered ${response.status}`);
  return answer;
}

function sound() {
  // Web Audio needs a tap on this page first (Start, or Pair).
  if (!audio && window.AudioContext) audio = new AudioContext();
  if (audio && audio.state === "suspended") audio.resume().catch(() => {});
}

function alarmChime() {
  // Unlike the step chime (rising, soft): three falling tones, louder, repeated until acknowledged.
  if (!audio) return;
  const t = audio.currentTime;
  for (const [frequency, start] of [[988, 0], [784, 0.22], [587, 0.44]]) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.type = "square";
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, t + start);
    gain.gain.exponentialRampToValueAtTime(0.2, t + start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + start + 0.2);
    tone.connect(gain).connect(audio.destination);
    tone.start(t + start);
    tone.stop(t + start + 0.22);
  }
}

function speak(text) {
  const synth = window.speechSynthesis;
  if (!voiceOn || !synth) return;
  synth.cancel(); // the receiver's words come before the routine's
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = language;
  synth.speak(utterance);
}

function status(text, lost = false) {
  $("remote-status").textContent = text;
  $("remote-status").classList.toggle("is-lost", lost);
}

function showPaired(count, codes) {
  paired = count;
  pairedCodes = codes;
  if (count > 0) {
    $("remote-offer").hidden = true;
    status(`Phone paired: it shows check code ${codes.join(", ")}. Taps appear here and are said aloud.`);
  }
  $("remote-another-label").hidden = count === 0;
  $("remote-pair").textContent = count > 0 ? "Pair another device" : "Pair the receiver's phone";
}

function addToFeed(tap) {
  const item = document.createElement("li");
  item.dataset.seq = String(tap.seq);
  item.dataset.kind = tap.kind;
  item.classList.toggle("is-alarm", tap.alarm);
  const time = new Date(tap.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  item.textContent = `${time} · ${tap.label}`;
  $("remote-feed").prepend(item);
}

function raise(tap) {
  alarms.set(tap.seq, tap);
  $("remote-alarm-kind").textContent = `The receiver tapped: ${tap.label}`;
  $("remote-alarm").hidden = false;
  $("remote-ack").focus();
  if (chimeTimer === null) {
    alarmChime();
    chimeTimer = setInterval(alarmChime, CHIME_EVERY_MS);
  }
  // The server halted the step before it told this page: the player shows where the session is now.
  document.dispatchEvent(new CustomEvent("unknot:session-changed"));
}

function onTap(tap, { fresh }) {
  if (tap.seq <= last) return;
  last = tap.seq;
  addToFeed(tap);
  if (fresh) speak(tap.spoken);
  if (tap.alarm && !tap.acknowledged) raise(tap);
  post("/seen", { seq: tap.seq }).catch(() => {});
}

function connect() {
  if (source) source.close();
  // The browser sends Last-Event-ID itself when it reconnects; the query says it for a connection made anew.
  source = new EventSource(`${base}/events?last_event_id=${last}`);
  source.addEventListener("tap", (event) => onTap(JSON.parse(event.data), { fresh: true }));
  source.addEventListener("paired", (event) => {
    const data = JSON.parse(event.data);
    showPaired(data.paired, data.check_codes);
  });
  source.addEventListener("link", (event) => {
    if (JSON.parse(event.data).connected) {
      showPaired(paired, pairedCodes);
    } else {
      status("Remote disconnected: say stop out loud.", true);
      speak("The remote is disconnected. Ask the receiver to say stop out loud.");
    }
  });
  source.addEventListener("open", () => {
    if (paired > 0) showPaired(paired, pairedCodes);
  });
  source.addEventListener("error", () => {
    if (paired > 0) status("Remote disconnected: say stop out loud. Reconnecting…", true);
  });
}

$("remote-pair").addEventListener("click", async () => {
  sound();
  try {
    const offer = await post("/pairing", { allow_another: $("remote-another").checked });
    $("remote-qr").src = offer.qr;
    $("remote-short-url").textContent = offer.short_url;
    $("remote-short").textContent = offer.short_code;
    $("remote-check").textContent = offer.check_code;
    $("remote-offer").hidden = false;
    $("remote-offer").dataset.url = offer.url;
    status("Waiting for the phone…");
  } catch (error) {
    status(error.message, true);
  }
});

$("remote-ack").addEventListener("click", async () => {
  sound();
  for (const seq of [...alarms.keys()]) {
    try {
      await post(`/alarms/${seq}/acknowledge`);
      alarms.delete(seq);
    } catch (error) {
      status(error.message, true);
    }
  }
  if (alarms.size === 0) {
    $("remote-alarm").hidden = true;
    clearInterval(chimeTimer);
    chimeTimer = null;
  }
});

for (const control of document.querySelectorAll("#start, #tap-area")) control.addEventListener("click", sound);

// A network that goes away closes the stream; when it comes back the page reconnects from the last tap it showed.
window.addEventListener("offline", () => {
  if (source) source.close();
  if (paired > 0) status("Remote disconnected: say stop out loud.", true);
});
window.addEventListener("online", connect);

(async () => {
  // What the remote holds already (a reload): shown, not said again; alarms not acknowledged stay up.
  const response = await fetch(base, { headers: { accept: "application/json" } });
  if (response.ok) {
    const remote = await response.json();
    for (const tap of remote.taps) onTap(tap, { fresh: false });
    showPaired(remote.paired, remote.check_codes);
  }
  connect();
})();

// --- the split view: the receiver's buttons on this screen -----------------------------------------------------------

$("split-toggle").addEventListener("click", () => {
  const open = $("split").hidden;
  $("split").hidden = !open;
  $("split-toggle").setAttribute("aria-expanded", String(open));
  sound();
});

for (const button of document.querySelectorAll("[data-split-kind]")) {
  button.addEventListener("click", async () => {
    sound();
    $("split-sent").textContent = `${button.textContent}: sending…`;
    try {
      const answer = await post("/taps", { kind: button.dataset.splitKind });
      $("split-sent").textContent = `${button.textContent}: delivered (tap ${answer.seq})`;
    } catch (error) {
      $("split-sent").textContent = `${button.textContent}: not sent (${error.message}); say it out loud`;
    }
  });
}
