// stepgrad's quiz mode (viz/quiz.py says the rules): before a step's result is shown, the
// student types it; it is checked to a relative tolerance and marked, then the step is shown.
function stepgradQuiz(Q, N, here, show) {
  "use strict";
  const status = Q.questions.map(() => null), given = Q.questions.map(() => "");
  const box = document.getElementById("quiz");
  box.hidden = false;
  box.innerHTML =
    '<div id="quiz-score"></div><div id="quiz-q"></div>' +
    '<div id="quiz-form"><input id="quiz-answer" type="text" inputmode="decimal" ' +
    'autocomplete="off" spellcheck="false" placeholder="your value" aria-label="your value">' +
    '<button id="quiz-check">check (Enter)</button>' +
    '<button id="quiz-reveal" title="show the answer; counts as skipped (→)">show answer</button>' +
    '</div><div id="quiz-verdict"></div>' +
    '<div id="quiz-hint">Enter checks your value · → or “show answer” shows it (skipped)</div>';
  const el = (id) => document.getElementById(id);
  const input = el("quiz-answer");

  function parse(text) {
    let s = String(text).replace(/\s+/g, "").replace(/\u2212/g, "-");
    if (s.indexOf(".") < 0 && s.split(",").length === 2) s = s.replace(",", ".");
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return null;
    const v = Number(s);
    return isFinite(v) ? v : null;
  }
  const right = (v, a) => Math.abs(v - a) <= Q.atol + Q.rtol * Math.abs(a);
  const pending = (k) => Q.questions[k] !== null && status[k] === null;

  function score() {
    const c = { right: 0, wrong: 0, skipped: 0 };
    status.forEach((s) => { if (s) c[s] += 1; });
    const asked = Q.questions.filter((q) => q !== null).length;
    return Object.assign(c, { questions: asked, left: asked - c.right - c.wrong - c.skipped });
  }

  function render(k) {
    const q = Q.questions[k], s = score(), ask = pending(k);
    const line = s.left === 0
      ? "Final score: " + s.right + " / " + s.questions + " right (" + s.wrong + " wrong, " +
        s.skipped + " skipped)"
      : "score: " + s.right + " right · " + s.wrong + " wrong · " + s.skipped + " skipped · " +
        s.left + " of " + s.questions + " questions left";
    el("quiz-score").textContent = line;
    el("quiz-score").className = s.left === 0 ? "final" : "";
    el("quiz-q").textContent = q === null
      ? "Step " + (k + 1) + ": nothing to compute here (its numbers are given)."
      : "Step " + (k + 1) + ": " + q.text;
    el("quiz-form").hidden = !ask;
    el("quiz-hint").hidden = !ask;
    const v = el("quiz-verdict");
    v.className = status[k] || "";
    if (q === null || ask) v.textContent = "";
    else if (status[k] === "skipped") v.textContent = "skipped: the engine's value is " + q.shown;
    else v.textContent = (status[k] === "right" ? "✓ right" : "✗ wrong") + ": you wrote " +
      given[k] + "; the engine's value is " + q.shown;
    Object.assign(document.body.dataset, { quiz: ask ? "asking" : (status[k] || "none"),
      right: s.right, wrong: s.wrong, skipped: s.skipped, left: s.left });
    if (ask) { input.value = ""; input.focus({ preventScroll: true }); }
    else if (document.activeElement === input) input.blur();
  }

  function check() {
    const k = here();
    if (!pending(k)) return;
    const v = parse(input.value);
    if (v === null) {
      const w = el("quiz-verdict");
      w.className = "nan";
      w.textContent = "“" + input.value + "” is not a number: type one like −0.25, 0,25 or 1.5e-3";
      return;
    }
    given[k] = input.value.trim();
    status[k] = right(v, Q.questions[k].answer) ? "right" : "wrong";
    show(k);
  }

  // from the frame on screen towards frame i: the next step on an unanswered question
  // reveals it (skipped) and stays; a longer jump skips every unanswered question it passes
  function go(i) {
    const k = here();
    if (i === k + 1 && pending(k)) { status[k] = "skipped"; show(k); return; }
    i = Math.max(0, Math.min(N - 1, i));
    for (let j = k; j < i; j++) if (pending(j)) status[j] = "skipped";
    show(i);
  }

  // a key the quiz takes: Enter (check, or the next step once answered); in an answer box
  // with text in it, the arrows and the other keys edit the text
  function key(e) {
    const typing = e.target === input;
    if (e.key === "Enter") {
      if (pending(here())) check(); else go(here() + 1);
      e.preventDefault();
      return true;
    }
    return typing && (input.value !== "" || !e.key.startsWith("Arrow"));
  }

  el("quiz-check").onclick = check;
  el("quiz-reveal").onclick = () => { const k = here(); if (pending(k)) { status[k] = "skipped"; show(k); } };
  return { go: go, key: key, pending: pending, render: render };
}
