// The receiver's remote on the phone (issue 15). Each tap is posted at once; its line says "sending", then
// "delivered" when the server has kept it, then "seen" when the giver's page has shown it (the server says so).
// Every second the page asks where the session is (step, area, time left) and which taps the giver has seen.
// No rule lives here: what a tap does is decided on the server (unknot.today.remote_tap).

const csrf = document.querySelector('meta[name="csrf-token"]').content;
const $ = (name) => document.getElementById(name);
const POLL_MS = 1000;

let state = JSON.parse($("state-data").textContent);
let lastTap = null; // { seq, label } of the latest tap delivered
let failed = 0;

function clock(seconds) {
  const whole = Math.max(0, Math.ceil(seconds - 1e-6));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

const scores = {}; // region -> the score chosen for the pain after
let rated = false;

function showRating() {
  // After the routine: one row of 0-10 per area, then Save (the server checks the areas and the scores).
  if (!state.rate || rated || !$("rate").hidden) return;
  for (const area of state.rate) {
    const group = document.createElement("fieldset");
    group.className = "rate-area";
    const legend = document.createElement("legend");
    legend.textContent = area.name;
    group.append(legend);
    for (let score = 0; score <= 10; score += 1) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button rate-score";
      button.textContent = String(score);
      button.setAttribute("aria-pressed", "false");
      button.setAttribute("aria-label", `${area.name}: ${score}`);
      button.addEventListener("click", () => {
        scores[area.region] = score;
        for (const other of group.querySelectorAll(".rate-score")) {
          other.setAttribute("aria-pressed", String(other === button));
        }
      });
      group.append(button);
    }
    $("rate-areas").append(group);
  }
  $("rate").hidden = false;
}

$("rate-save").addEventListener("click", async () => {
  const response = await fetch("/remote/pain", {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
    body: JSON.stringify({ pain_after: scores }),
  });
  const answer = await response.json().catch(() => ({}));
  if (response.ok) {
    rated = true;
    $("rate").hidden = true;
    $("sent").textContent = "Saved. Thank you: this phone is no longer paired.";
  } else {
    $("sent").textContent = answer.error ? answer.error.message : `The computer answered ${response.status}.`;
  }
});

function render() {
  if (state.over) {
    $("step").textContent = "The session has ended.";
    $("where").textContent = "";
    $("left").textContent = "";
    document.querySelector(".remote-buttons").hidden = true;
    showRating();
  } else if (!state.started) {
    $("step").textContent = "Waiting for the giver to start";
    $("where").textContent = state.where;
    $("left").textContent = "";
  } else {
    const labels = { paused: " (paused)", pain_check: " (stopped: it hurts)" };
    $("step").textContent = `Step ${state.step} of ${state.steps}: ${state.name}${labels[state.state] || ""}`;
    $("where").textContent = state.where;
    $("left").textContent = `${clock(state.remaining)} left`;
  }
  if (lastTap && lastTap.seq !== null && state.seen >= lastTap.seq) {
    $("sent").textContent = `${lastTap.label}: seen`;
  }
}

async function tap(button) {
  const label = button.textContent.trim();
  lastTap = { seq: null, label };
  $("sent").textContent = `${label}: sending…`;
  try {
    const response = await fetch("/remote/taps", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify({ kind: button.dataset.kind }),
    });
    if (!response.ok) throw new Error(`the computer answered ${response.status}`);
    const answer = await response.json();
    if (lastTap.label === label && lastTap.seq === null) {
      lastTap = { seq: answer.seq, label };
      $("sent").textContent = `${label}: delivered`;
    }
    poll();
  } catch (error) {
    $("sent").textContent = `${label}: not sent (${error.message}). Say it out loud.`;
  }
}

async function poll() {
  try {
    const response = await fetch("/remote/state", { headers: { accept: "application/json" } });
    if (response.status === 403) {
      state = { ...state, over: true, rate: null };
      render();
      return;
    }
    if (!response.ok) throw new Error(String(response.status));
    state = await response.json();
    failed = 0;
    render();
  } catch {
    failed += 1;
    if (failed >= 3) $("sent").textContent = "Remote disconnected: say stop out loud.";
  }
}

for (const button of document.querySelectorAll(".remote-button")) {
  button.addEventListener("click", () => tap(button));
}
render();
setInterval(poll, POLL_MS);
