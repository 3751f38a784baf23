// The body map: tapping an area on the picture changes the matching choice in the list beside it (the list is the
// accessible control, and works without this script). Modes: "toggle" (tick and untick; a radio list picks one),
// "cycle" (favour, leave alone, clear: the plan chooser). A picture with data-lit lights the areas it names.

const CYCLE = ["none", "focus", "avoid"];

function inputs(map, region) {
  return [...map.querySelectorAll(`input[data-region="${region}"]`)];
}

function paint(map) {
  for (const shape of map.querySelectorAll(".region")) {
    const found = inputs(map, shape.dataset.region);
    const focus = found.find((i) => i.dataset.role === "focus");
    const avoid = found.find((i) => i.dataset.role === "avoid");
    if (map.dataset.mode === "cycle") {
      shape.classList.toggle("is-focus", Boolean(focus && focus.checked));
      shape.classList.toggle("is-avoid", Boolean(avoid && avoid.checked));
    } else {
      shape.classList.toggle("is-selected", found.some((i) => i.checked));
      shape.classList.toggle("is-disabled", found.length > 0 && found.every((i) => i.disabled));
    }
  }
}

function tap(map, region) {
  const found = inputs(map, region);
  if (!found.length) return;
  if (map.dataset.mode === "cycle") {
    const focus = found.find((i) => i.dataset.role === "focus");
    const avoid = found.find((i) => i.dataset.role === "avoid");
    if (!focus || !avoid || avoid.disabled) return;
    const now = focus.checked ? "focus" : avoid.checked ? "avoid" : "none";
    const next = CYCLE[(CYCLE.indexOf(now) + 1) % CYCLE.length];
    focus.checked = next === "focus";
    avoid.checked = next === "avoid";
  } else {
    const input = found[0];
    if (input.disabled) return;
    input.checked = input.type === "radio" ? true : !input.checked;
  }
  found[0].dispatchEvent(new Event("change", { bubbles: true }));
}

for (const map of document.querySelectorAll(".bodymap")) {
  map.addEventListener("click", (event) => {
    const shape = event.target.closest(".region");
    if (shape) tap(map, shape.dataset.region);
  });
  map.addEventListener("change", (event) => {
    const input = event.target;
    if (map.dataset.mode === "cycle" && input.checked && input.dataset.role) {
      // An area is favoured or left alone, not both.
      for (const other of inputs(map, input.dataset.region)) {
        if (other !== input && !other.disabled) other.checked = false;
      }
    }
    paint(map);
  });
  paint(map);
}

for (const picture of document.querySelectorAll(".bodymap-lit")) {
  const lit = new Set((picture.dataset.lit || "").split(" "));
  for (const shape of picture.querySelectorAll(".region")) {
    shape.classList.toggle("is-lit", lit.has(shape.dataset.region));
  }
}
