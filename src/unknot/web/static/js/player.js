// The guided player in the browser. The server's session (unknot.session, the same rules as the terminal's) sends a
// timeline: every phase and cue to come if nobody presses anything, on the session clock. This page plays it by
// deadlines against performance.now() (sped up by the time scale), speaks the cues (Web Speech), chimes at each
// step (Web Audio), and posts every key or button with the session time it happened at; the answer is the next
// timeline. At each step's end it posts a tick, so the journal keeps every step as it ends. After "it hurts" only an
// explicit choice carries on (never Space or Enter); Stop asks first; "How?" shows the technique without pausing.

const root = document.getElementById("player");
const id = root.dataset.session;
const api = root.dataset.api || `/api/sessions/${id}`; // the phone's player asks its own routes (/remote/player)
const scale = Number(root.dataset.scale) || 1;
const language = root.dataset.language || "en";
const speechRate = Math.min(3, Math.max(0.5, Number(root.dataset.rate) / 175));
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const steps = JSON.parse(document.getElementById("steps-data").textContent);
const $ = (name) => document.getElementById(name);

const STALE = 3; // seconds: a cue this late is not said (only shown)
const GAP = 2; // seconds without a frame: the tab was hidden, say that it caught up
const EARLY = 0.004 * scale; // a timer may fire a little early: what is due within 4 ms of real time is due now

let voiceOn = root.dataset.voice === "on";
let line = null; // the timeline
let origin = null; // performance.now() at session time 0
let started = false;
let handled = new Set();
let timer = null;
let lastPhase = null;
let lastFrame = null;
let overallLeft = null;
let remaining = null; // the routine's seconds still to come, as the server last said (a paused routine's)
let nextIndex = null; // the step after the current one, as the server last said
let wakeLock = null;
let wakeVideo = null; // without a secure context (plain HTTP on the home network): a silent video instead
let handedOver = root.dataset.handedOver === "true"; // "Play on my phone": the phone plays, this page keeps quiet
let audio = null;
let loaded = false; // the page knows where the session is
let skipChoices = []; // after "it hurts": the areas that may be left alone (the server's words)
let shownState = null; // the state the screen last showed
let pausedForStop = false; // "Stop the session?" paused the routine: "no" resumes it

function now() {
  return origin === null ? 0 : ((performance.now() - origin) / 1000) * scale;
}

function sync(at) {
  origin = performance.now() - (at / scale) * 1000;
}

function clock(seconds) {
  const whole = Math.max(0, Math.ceil(seconds - 1e-6));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

// --- the voice and the chime ---------------------------------------------------------------------------------

const voiceReady = new Promise((resolve) => {
  const synth = window.speechSynthesis;
  if (!synth) return resolve([]);
  const have = synth.getVoices();
  if (have.length) return resolve(have);
  // voiceschanged may never fire where no voice is installed: give up waiting after a moment.
  const done = () => resolve(synth.getVoices());
  synth.addEventListener("voiceschanged", done, { once: true });
  setTimeout(done, 1500);
});
let voice = null;
voiceReady.then((voices) => {
  const matching = voices.filter((v) => v.lang.toLowerCase().startsWith(language.toLowerCase()));
  voice = matching.find((v) => v.localService) || matching[0] || voices.find((v) => v.localService) || null;
});

function chime() {
  if (!audio) return;
  const t = audio.currentTime;
  for (const [frequency, start] of [[660, 0], [880, 0.14]]) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, t + start);
    gain.gain.exponentialRampToValueAtTime(0.12, t + start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + start + 0.3);
    tone.connect(gain).connect(audio.destination);
    tone.start(t + start);
    tone.stop(t + start + 0.32);
  }
}

function say(cue) {
  $("caption").textContent = cue.text;
  if (handedOver) return;
  if (cue.chime) chime();
  const synth = window.speechSynthesis;
  if (!voiceOn || !synth) return;
  synth.cancel(); // one cue at a time: the newest is the one that matters
  const utterance = new SpeechSynthesisUtterance(cue.text);
  utterance.lang = language;
  utterance.rate = speechRate;
  if (voice) utterance.voice = voice;
  synth.speak(utterance);
}

// --- talking to the server -----------------------------------------------------------------------------------

async function post(event, at) {
  const response = await fetch(`${api}/events`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
    body: JSON.stringify({ event, at }),
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.error ? problem.error.message : `the server answered ${response.status}`);
  }
  return response.json();
}

function key(cue) {
  // A cue is known by when the schedule wanted it, not by when it was said (it may wait, or come late).
  return `${cue.kind}|${cue.step}|${cue.text}|${(cue.due ?? cue.at).toFixed(3)}`;
}

function take(answer, { speak }) {
  line = answer.timeline;
  if (typeof answer.remaining === "number") remaining = answer.remaining;
  if (answer.next_index !== undefined) nextIndex = answer.next_index;
  skipChoices = answer.skip_choices || [];
  for (const [button, event] of [[$("skip-area"), "skip_region"], [$("skip-started"), "skip_started_region"]]) {
    const choice = skipChoices.find((c) => c.event === event);
    button.hidden = !choice;
    if (choice) button.textContent = choice.label;
  }
  $("pain-about").hidden = !skipChoices.some((c) => c.ambiguous);
  // Only a frame of a running routine counts towards "You were away": a pause (however long) is not an absence.
  if (!(line.state === "running" || line.state === "get_ready")) lastFrame = null;
  for (const cue of answer.said) {
    // The answer's own cues ("Paused.", a step's cue after Next...), unless this page has said it already.
    if (speak && !handled.has(key(cue))) say(cue);
    handled.add(key(cue));
  }
  // What was due at the answer's time has been said (or is past): only later cues are to come.
  for (const cue of line.cues) if (cue.at <= line.at + 1e-6) handled.add(key(cue));
  render();
  schedule();
  if (line.state === "finished" || line.state === "stopped") finish();
}

let queue = Promise.resolve();

function send(event) {
  // Keys pressed in quick succession all count, in order: each waits for the answer to the one before.
  if (!started) return queue;
  const at = now();
  queue = queue.then(async () => {
    try {
      take(await post(event, at), { speak: true });
      $("notice").textContent = "";
    } catch (error) {
      $("notice").textContent = error.message;
    }
  });
  return queue;
}

let finishing = false;

function finish() {
  if (finishing) return;
  finishing = true;
  clearTimeout(timer);
  releaseWakeLock();
  if (root.dataset.after) setTimeout(() => window.location.assign(root.dataset.after), 1500);
  else if ($("phone-done")) $("phone-done").hidden = false; // the phone's player: rated on the computer
}

// --- playing the timeline by deadlines --------------------------------------------------------------------------

function currentPhase(at) {
  if (!line || !line.phases.length) return null;
  let found = line.phases[0];
  for (const phase of line.phases) if (phase.start <= at) found = phase;
  return found;
}

function frame() {
  timer = null;
  if (!line || !started) return;
  const at = now();
  const running = line.state === "running" || line.state === "get_ready";
  if (running) {
    const away = lastFrame !== null && at - lastFrame > GAP * scale;
    lastFrame = at;
    const due = line.cues.filter((c) => c.at <= at + EARLY && !handled.has(key(c)));
    for (const cue of due) handled.add(key(cue));
    const fresh = due.filter((c) => at - c.at <= STALE || c.kind === "start" || c.kind === "lead_in");
    if (away) {
      // The tab was hidden (timers sleep there): the clock went on; say where the routine is now.
      const now = currentPhase(at);
      const step = now ? steps[now.index] : null;
      $("notice").textContent = `You were away: caught up to step ${now ? now.index + 1 : ""}.`;
      if (!fresh.length && step) say({ text: `Caught up. Now: ${step.name}.`, chime: false });
    }
    if (fresh.length) say(fresh[fresh.length - 1]);
    const phase = currentPhase(at + EARLY);
    const ended = line.end !== null && at + EARLY >= line.end;
    const phaseKey = phase ? `${phase.lead_in}|${phase.index}|${phase.start}` : null;
    if (ended || (lastPhase !== null && phaseKey !== lastPhase)) {
      // A step ended: the server keeps it (and, at the end, closes the routine).
      const boundary = ended ? line.end : phase ? phase.start : at; // the boundary itself, not a moment before
      post("tick", Math.max(at, boundary))
        .then((answer) => take(answer, { speak: false }))
        .catch((error) => ($("notice").textContent = error.message));
    }
    lastPhase = phaseKey;
  }
  render();
  schedule();
}

function schedule() {
  clearTimeout(timer);
  if (handedOver) return;
  if (!line || !started || !(line.state === "running" || line.state === "get_ready")) return;
  const at = now();
  const next = [];
  for (const cue of line.cues) if (cue.at > at + EARLY && !handled.has(key(cue))) next.push(cue.at);
  for (const phase of line.phases) if (phase.start > at + EARLY) next.push(phase.start);
  if (line.end !== null && line.end > at + EARLY) next.push(line.end);
  const phase = currentPhase(at);
  if (phase) {
    const left = phase.start + phase.seconds - at;
    next.push(at + (left - Math.floor(left) || 1)); // the countdown's next second
  }
  const soonest = next.length ? Math.min(...next) : at + 1;
  timer = setTimeout(frame, Math.max(0, ((soonest - at) / scale) * 1000));
}

// --- what the screen shows ---------------------------------------------------------------------------------

function render() {
  if (!line) return;
  const at = now();
  const state = line.state;
  root.classList.toggle("is-paused", state === "paused");
  const hurting = state === "pain_check";
  root.classList.toggle("is-hurting", hurting);
  $("pain-check").hidden = !hurting;
  if (hurting && shownState !== "pain_check") $("pain-check-title").focus(); // Tab reaches the choices next
  shownState = state;
  $("controls").hidden = hurting; // after "it hurts": only its three choices
  $("pressure").hidden = hurting || !started; // before Start: only Start
  for (const button of $("controls").querySelectorAll("[data-event]")) button.hidden = !started;
  $("visual").hidden = hurting;
  const phase = currentPhase(state === "paused" ? line.at : at);
  const index = phase ? phase.index : line.index;
  const step = steps[Math.min(index, steps.length - 1)];
  const labels = {
    get_ready: "Starting",
    running: "Now",
    paused: "Paused",
    pain_check: "It hurts",
    finished: "Finished",
    stopped: "Stopped",
  };
  if (!started) $("state").textContent = "Get ready";
  else $("state").textContent = phase && phase.lead_in && state !== "paused" ? "Starting" : labels[state];
  $("step-number").textContent = `Step ${Math.min(index + 1, steps.length)}`;
  $("step-name").textContent = step.name;
  $("step-where").textContent = step.where;
  const details = [];
  if (step.tool) details.push(step.tool);
  if (step.pressure) details.push(`${step.pressure} pressure`);
  if (step.hold) details.push(`hold up to ${step.hold} s`);
  $("step-details").textContent = details.join(" · ");
  // What to do stays on screen while the caption says "Half-way." or "Three." (not twice when it is the caption).
  $("step-cue").textContent = step.cue;
  $("step-cue").hidden = !started || !step.cue || $("caption").textContent === step.cue;
  for (const part of document.querySelectorAll(".how-technique")) part.hidden = part.dataset.technique !== step.how;
  for (const shape of document.querySelectorAll("#picture .region")) {
    shape.classList.toggle("is-lit", step.regions.includes(shape.dataset.region));
  }
  let left = 0;
  if (phase) {
    const reference = state === "running" || state === "get_ready" ? at : line.at;
    left = Math.max(0, phase.start + phase.seconds - reference);
    $("ring").style.strokeDashoffset = String(100 * (1 - left / phase.seconds));
  }
  $("countdown").textContent = clock(left);
  if (line.end !== null) overallLeft = Math.max(0, line.end - at);
  else if (remaining !== null) overallLeft = remaining; // paused: the clock stands still
  if (overallLeft !== null) $("overall").textContent = clock(overallLeft);
  const upcoming = line.phases.find((p) => !p.lead_in && p.index > index);
  // Running: the timeline's next phase; paused (the timeline stops here): the step the server says comes next.
  const after = upcoming ? upcoming.index : state === "paused" && nextIndex !== null ? nextIndex : null;
  $("next").textContent = after !== null ? `Next: ${steps[after].name} · ${steps[after].where}` : "";
  $("start").hidden = started && state !== "paused";
  $("start").textContent = started ? "Resume" : "Start";
  $("pause").hidden = !started || state === "paused" || state === "pain_check";
}

// --- starting, keys, taps ----------------------------------------------------------------------------------

function begin() {
  let sent;
  if (started) {
    sent = send("resume");
  } else {
    started = true;
    sync(line ? line.at : 0); // the session's clock starts at this press, not when the page loaded
    const page = document.documentElement;
    if (page.requestFullscreen) page.requestFullscreen().catch(() => {}); // the player fills the screen
    sent = send("tick"); // first: the press's time goes to the server before anything slow happens
    // What is due at once ("Starting in 5") is said now, without waiting for the server's answer.
    const first = line ? line.cues.filter((c) => c.at <= line.at + EARLY) : [];
    for (const cue of first) handled.add(key(cue));
    if (first.length) say(first[first.length - 1]);
    schedule(); // the lead-in plays from the timeline the page has, without waiting for the server's answer
  }
  // Sound and the wake lock need this press (a user gesture); they are set up after the clock has started.
  if (!audio && window.AudioContext) audio = new AudioContext();
  if (audio && audio.state === "suspended") audio.resume().catch(() => {});
  takeWakeLock();
  return sent;
}

async function takeWakeLock() {
  if (!window.isSecureContext || !("wakeLock" in navigator)) {
    startWakeVideo(); // no Wake Lock over plain HTTP: a playing video keeps many phones' screens on
    return;
  }
  try {
    if (!wakeLock) {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => (wakeLock = null));
      root.dataset.wake = "lock";
    }
  } catch {
    wakeLock = null; // not allowed here (no user gesture): the screen may dim
    startWakeVideo();
  }
}

// A muted, looping, inline video drawn here on a canvas (nothing is fetched), started by the Start tap: a
// user gesture lets it play. Where a browser keeps the screen on while a video plays, it stays on.
function startWakeVideo() {
  if (!wakeVideo) {
    const canvas = document.createElement("canvas");
    canvas.width = 16;
    canvas.height = 16;
    if (!canvas.captureStream) {
      root.dataset.wake = "none";
      return;
    }
    const paint = canvas.getContext("2d");
    let shade = 0;
    const frame = () => {
      shade = (shade + 1) % 2;
      paint.fillStyle = shade ? "#000" : "#010101";
      paint.fillRect(0, 0, 16, 16);
    };
    frame();
    setInterval(frame, 1000); // a frame a second keeps the stream alive
    wakeVideo = document.createElement("video");
    wakeVideo.id = "wake-video";
    wakeVideo.className = "wake-video";
    wakeVideo.muted = true;
    wakeVideo.loop = true;
    wakeVideo.playsInline = true;
    wakeVideo.setAttribute("playsinline", "");
    wakeVideo.setAttribute("aria-hidden", "true");
    wakeVideo.srcObject = canvas.captureStream(1);
    document.body.append(wakeVideo);
  }
  wakeVideo
    .play()
    .then(() => (root.dataset.wake = "video"))
    .catch(() => (root.dataset.wake = "none"));
}

function releaseWakeLock() {
  if (wakeLock) wakeLock.release().catch(() => {});
  wakeLock = null;
  if (wakeVideo) wakeVideo.pause();
}

// Over plain HTTP the page says at once that the screen may dim (the phone's player: the notice is there).
if (!window.isSecureContext && $("wake-notice")) $("wake-notice").hidden = false;

// "Play on my phone" (player_phone.js): the phone has paired and plays the routine; this page falls silent.
document.addEventListener("unknot:handed-over", () => {
  handedOver = true;
  clearTimeout(timer);
  if (window.speechSynthesis) window.speechSynthesis.cancel();
  releaseWakeLock();
});

const KEYS = {
  ArrowRight: "next",
  ArrowLeft: "back",
  r: "repeat",
  "+": "more",
  "=": "more",
  "-": "less",
  g: "good",
  h: "it_hurts",
  x: "skip_region",
  c: "skip_started_region",
};

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (!loaded) {
    // A key pressed before the page knows where the session is: act on it as soon as it does.
    if (event.key === " " || KEYS[event.key]) event.preventDefault();
    const copy = { key: event.key, target: event.target, preventDefault() {} };
    ready.then(() => onKey(copy));
    return;
  }
  onKey(event);
});

function onKey(event) {
  if ($("stop-dialog").open) {
    // The question's own keys; Space, Enter and Tab work its buttons, Escape is "no".
    if (event.key === "y") stopAnswer(true);
    if (event.key === "n") stopAnswer(false);
    return;
  }
  if (event.target.closest("a, input, select, textarea")) return;
  if (event.key === "?") {
    event.preventDefault();
    return showHow($("how").hidden);
  }
  const hurting = line && line.state === "pain_check";
  if (event.key === " " || event.key === "Enter") {
    if (event.target.closest("button") && event.key === "Enter") return; // the button itself answers Enter
    event.preventDefault();
    if (hurting) {
      // Only an explicit choice carries on after "it hurts".
      $("notice").textContent = "Choose one: Go on, Skip, or Stop the session.";
      return;
    }
    if (!started || (line && line.state === "paused")) return begin();
    return send("pause");
  }
  if (event.key === "s" && started) {
    event.preventDefault();
    return hurting ? send("stop") : askStop(); // after "it hurts" Stop is one of its choices: no question
  }
  const action = KEYS[event.key];
  if (action && started) {
    event.preventDefault();
    if (action.startsWith("skip") && !skipChoices.some((c) => c.event === action)) return; // not offered now
    send(action);
  }
}

// --- "Stop the session?" and "How?" -----------------------------------------------------------------------------

function askStop() {
  if (!started || !line || line.state === "finished" || line.state === "stopped") return;
  const dialog = $("stop-dialog");
  if (dialog.open) return;
  // The routine holds while the question is asked (the hands come off to answer); "no" carries on.
  pausedForStop = line.state === "running" || line.state === "get_ready";
  if (pausedForStop) send("pause");
  dialog.showModal();
}

function stopAnswer(yes) {
  const dialog = $("stop-dialog");
  if (dialog.open) dialog.close(yes ? "yes" : "no");
}

$("stop-dialog").addEventListener("close", () => {
  const yes = $("stop-dialog").returnValue === "yes";
  $("stop-dialog").returnValue = "";
  if (yes) send("stop");
  else if (pausedForStop) send("resume");
  pausedForStop = false;
});
$("stop").addEventListener("click", () => ready.then(askStop));
$("stop-yes").addEventListener("click", () => stopAnswer(true));
$("stop-no").addEventListener("click", () => stopAnswer(false));

function showHow(open) {
  // How to do the technique under way (or the next one): the routine goes on unless the user pauses it.
  $("how").hidden = !open;
  $("how-button").setAttribute("aria-expanded", String(open));
  if (open) $("how-title").focus();
}

$("how-button").addEventListener("click", () => showHow($("how").hidden));
$("how-close").addEventListener("click", () => {
  showHow(false);
  $("how-button").focus();
});

$("tap-area").addEventListener("click", () =>
  ready.then(() => {
    if (!started || (line && line.state === "paused")) return begin();
    if (line && (line.state === "running" || line.state === "get_ready")) send("pause");
  }),
);
$("start").addEventListener("click", () => ready.then(begin));
for (const button of document.querySelectorAll("[data-event]")) {
  button.addEventListener("click", () => ready.then(() => send(button.dataset.event)));
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") {
    if (started && line && line.state !== "finished" && line.state !== "stopped") takeWakeLock();
    if (timer !== null || (line && (line.state === "running" || line.state === "get_ready"))) frame();
  }
});

// Leaving the page (Leave, another page, a closed tab): the routine waits here, paused, for the page that comes
// back. keepalive lets the request outlive the page.
window.addEventListener("pagehide", () => {
  if (handedOver || !started || !line || !(line.state === "running" || line.state === "get_ready")) return;
  clearTimeout(timer);
  fetch(`${api}/events`, {
    method: "POST",
    keepalive: true,
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
    body: JSON.stringify({ event: "pause", at: now() }),
  }).catch(() => {});
});

// The receiver's remote (remote_giver.js) halted the step on the server: show where the session is now.
document.addEventListener("unknot:session-changed", () =>
  ready.then(async () => {
    const response = await fetch(api, { headers: { accept: "application/json" } });
    if (response.ok) take(await response.json(), { speak: false });
  }),
);

// --- on load: where the session is --------------------------------------------------------------------------

const ready = (async () => {
  const response = await fetch(api, { headers: { accept: "application/json" } });
  if (!response.ok) {
    $("notice").textContent = "This session has ended or does not exist.";
    loaded = true;
    return;
  }
  // Made now, while nothing is timed (making one can hold the page for a tenth of a second); it stays silent
  // until the Start press resumes it.
  if (window.AudioContext) audio = new AudioContext();
  let answer = await response.json();
  sync(answer.timeline.at);
  if (!handedOver && answer.started && (answer.state === "running" || answer.state === "get_ready")) {
    // The page went without saying so (a crash): hold the routine where it was last reported until someone
    // presses Resume (sound needs a tap to start again).
    answer = await post("pause", null);
    sync(answer.timeline.at);
  }
  started = answer.started;
  take(answer, { speak: false });
  if (started && !handedOver) $("caption").textContent = "Paused. Press Resume to go on.";
  loaded = true;
})();
