"""``fit``: the lecture's training loop, sample-wise, mini-batch or full batch.

The lecture's algorithm (``batch_size=1``), line by line::

    initialise w (the model), Q := Q(w) = (1/l)·Σᵢ Lᵢ(w)
    do
        select xᵢ from Xˡ at random
        forward phase, loss Lᵢ(w)
        Q := λ·Lᵢ + (1 − λ)·Q
        backward phase: ∂Lᵢ/∂w
        gradient step: w := w − μ·L′ᵢ(w)   (or any rule of stepgrad.optim)
    until Q converges

``batch_size=k`` takes k samples per step (Lᵢ is then their mean loss:
mini-batch SGD); ``batch_size=None`` takes all of them (gradient descent).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from tqdm.auto import tqdm

from stepgrad.autograd import Tensor, no_grad, nsum

from .fit_checks import (
    accuracy_rule,
    as_data,
    check_int,
    check_lam,
    check_tol,
    resolve_loss,
    resolve_optimizer,
)
from .history import History

__all__ = ["fit"]


def fit(model, X, Y, loss="half_sse", optimizer=None, batch_size=1, epochs=100, lam=None,
        tol=1e-6, seed=None, validation=None, patience=None, callbacks=(), view="tensor",
        progress=True, restore_best=True) -> History:
    """Train ``model`` on (X, Y) with the lecture's loop and return its :class:`History`.

    Args:
        model: a :class:`stepgrad.nn.Module` (e.g. ``MLP([6, 9, 2])``).
        X: inputs, shape (N, F), one sample xᵢ per row.
        Y: targets, shape (N, M), or (N,) (class indices, or one output).
        loss: a loss ``loss(prediction, target)`` or its name in ``stepgrad.nn.LOSSES``;
            the default is the lecture's Lᵢ = ½Σₘ(aₘ − yₘ)².
        optimizer: an optimizer on ``model.parameters()``; default ``SGD(lr=0.1)``.
        batch_size: 1 (the lecture's sample-wise SGD), k (mini-batches of k, the last
            one smaller), or None (the full batch: gradient descent). Each epoch
            visits every sample once, in a new random order (none for the full batch).
        epochs: the most epochs to run.
        lam: λ in Q := λ·Lᵢ + (1 − λ)·Q, in (0, 1]; None means 1/(steps per epoch),
            so Q averages about the last epoch (λ = 1 for the full batch: Q = L).
        tol: the convergence test, checked at the end of each epoch e >= 2: stop
            when |Q_e − Q_{e−1}| < tol, Q_e being Q after the epoch's last step.
            Checking per epoch, not per step, keeps one lucky small step from
            stopping a noisy run; from epoch 2 on, because with the full batch
            (λ = 1) Q_1 is the loss at the initial weights, which is Q_0.
            None: never stop on convergence.
        seed: seeds the order in which samples are picked.
        validation: (X_val, Y_val), evaluated after each epoch.
        patience: with validation, stop when the validation loss has not
            improved for this many epochs (early stopping).
        callbacks: functions ``f(history)`` called after each epoch; returning
            True stops training.
        view: ``"tensor"`` (a batch at a time, fast) or ``"scalar"`` (each sample
            as a graph of Values, the lecture's view; slow, for small data).
        progress: show a tqdm progress bar (inline in notebooks) with epoch, Q and
            validation loss; False hides it.
        restore_best: with validation, end with the weights of the epoch with the
            lowest validation loss. On Ctrl-C or divergence the best weights so far
            are restored in any case (by validation loss, else by epoch loss).

    Returns:
        History: Q per step, loss and accuracy per epoch, per-layer gradient norms,
        the stop reason (see :data:`stepgrad.optim.history.STOP_REASONS`).
    """
    X, Y = as_data(X, Y)
    loss_fn = resolve_loss(loss)
    optimizer = resolve_optimizer(optimizer, model)
    batch_size = check_int("batch_size", batch_size, allow_none=True)
    epochs = check_int("epochs", epochs)
    patience = check_int("patience", patience, allow_none=True)
    tol = check_tol(tol)
    if view not in ("tensor", "scalar"):
        raise ValueError(f"view must be 'tensor' or 'scalar', got view={view!r}")
    if patience is not None and validation is None:
        raise ValueError("patience (early stopping) needs validation=(X_val, Y_val)")
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise ValueError("validation must be a pair (X_val, Y_val)")
        Xv, Yv = as_data(*validation, what="X_val, Y_val")
        v_correct = accuracy_rule(Yv)
    callbacks = list(callbacks)
    N = len(X)
    full = batch_size is None or batch_size >= N
    per_epoch = 1 if full else -(-N // batch_size)
    lam = check_lam(lam, per_epoch)
    rng = np.random.default_rng(seed)

    step = _tensor_step if view == "tensor" else _scalar_step
    model.train()
    Q, _ = _evaluate(model, loss_fn, X, Y, view, None)  # the lecture's "evaluate Q(w)"
    Y = _match_outputs(model, X, Y)
    correct = accuracy_rule(Y)
    Xt = Tensor(X) if view == "tensor" else X
    names = [n for n, _ in model.named_parameters()]
    params = [p for _, p in model.named_parameters()]
    h = History(lam=lam, Q=[Q], grad_norms={n: [] for n in names})
    best = {"epoch": 0, "state": model.state_dict(), "value": Q}
    if validation is not None:
        Yv = _match_outputs(model, Xv, Yv)
        best["value"], _ = _evaluate(model, loss_fn, Xv, Yv, view, None)
    bar = tqdm(total=epochs, desc="epoch", unit="epoch", disable=not progress, leave=True)
    reason = "epochs"
    try:
        for epoch in range(1, epochs + 1):
            h.lr.append(optimizer.lr)
            order = slice(None) if full else rng.permutation(N)
            total = hits = 0.0
            norms = [0.0] * len(params)
            for k in range(per_epoch):
                idx = order if full else order[k * batch_size:(k + 1) * batch_size]
                n = N if full else len(idx)
                model.zero_grad()
                L, a = step(model, loss_fn, Xt, Y, idx, full)
                if not math.isfinite(L):
                    raise _Diverged(L)
                Q = lam * L + (1 - lam) * Q  # Q := λ·Lᵢ + (1 − λ)·Q
                h.step_loss.append(L)
                h.Q.append(Q)
                total += L * n
                if correct is not None:
                    hits += correct(a, idx)
                for j, p in enumerate(params):
                    g = p.grad
                    norms[j] += math.sqrt(float(np.vdot(g, g)))
                optimizer.step()
            h.loss.append(total / N)
            h.accuracy.append(hits / N if correct is not None else None)
            for name, s in zip(names, norms):
                h.grad_norms[name].append(s / per_epoch)
            monitor = h.loss[-1]
            if validation is not None:
                monitor, v_hits = _evaluate(model, loss_fn, Xv, Yv, view, v_correct)
                h.val_loss.append(monitor)
                h.val_accuracy.append(None if v_hits is None else v_hits / len(Xv))
            if monitor < best["value"]:
                best = {"epoch": epoch, "state": model.state_dict(), "value": monitor}
            bar.set_postfix_str(f"Q={Q:.4g}" + (f", val_loss={monitor:.4g}"
                                                if validation is not None else ""), refresh=False)
            bar.update(1)
            if [cb(h) for cb in callbacks].count(True):
                reason = "callback"
                break
            if patience is not None and epoch - best["epoch"] >= patience:
                reason = "early_stopping"
                break
            if tol is not None and epoch > 1 and abs(Q - h.Q[-1 - per_epoch]) < tol:
                reason = "converged"
                break
    except KeyboardInterrupt:
        reason = "interrupted"
    except _Diverged as e:
        reason = "diverged"
        warnings.warn(f"fit stopped: the loss became {e.args[0]} at step "
                      f"{h.steps + 1} (lower the learning rate); the weights of epoch "
                      f"{best['epoch']} are restored", RuntimeWarning, stacklevel=2)
    finally:
        bar.close()
    h.stop_reason = reason
    if reason in ("interrupted", "diverged") or (restore_best and validation is not None):
        model.load_state_dict(best["state"])
        h.best_epoch = best["epoch"]
    model.zero_grad()
    return h


class _Diverged(Exception):
    """The loss of a step was NaN or infinite."""


def _tensor_step(model, loss_fn, X, Y, idx, full):
    """Forward a batch through the Tensor view, backward; returns (L, predictions)."""
    a = model(X if full else X.data[idx])
    L = loss_fn(a, Y if full else Y[idx])
    value = L.item()
    if math.isfinite(value):
        L.backward()
    return value, a.data


def _scalar_step(model, loss_fn, X, Y, idx, full):
    """The same with each sample a graph of Values (the lecture's scalar view)."""
    rows = range(len(X)) if full else idx
    losses, preds = [], []
    for i in rows:
        a = model.scalar_forward(X[i].tolist())
        losses.append(loss_fn(a, np.atleast_1d(Y[i])))
        preds.append([v.data for v in a])
    L = nsum(losses) * (1.0 / len(losses)) if len(losses) > 1 else losses[0]
    if math.isfinite(L.data):
        L.backward()
    return L.data, np.array(preds)


def _evaluate(model, loss_fn, X, Y, view, correct):
    """(mean loss, correct count or None) on (X, Y), in eval mode, recording nothing."""
    model.eval()
    with no_grad():
        if view == "tensor":
            a = model(X)
            value = loss_fn(a, _fit_shape(Y, a.data)).item()
            a = a.data
        else:
            outs = [model.scalar_forward(x.tolist()) for x in X]
            value = sum(loss_fn(o, np.atleast_1d(y)).data for o, y in zip(outs, Y)) / len(X)
            a = np.array([[v.data for v in o] for o in outs])
    model.train()
    return value, (None if correct is None else correct(a, slice(None)))


def _match_outputs(model, X, Y):
    """Y (N,) becomes (N, 1) when the model has one output (so losses see like shapes)."""
    if Y.ndim == 1:
        model.eval()
        with no_grad():
            out = model(X[:1])
        model.train()
        if out.data.shape[-1] == 1:
            return Y[:, None]
    return Y


def _fit_shape(Y, a):
    return Y[:, None] if Y.ndim == 1 and a.ndim == 2 and a.shape[-1] == 1 else Y
