using Runlens.Live.Control;

namespace Runlens.Live.Alerts;

/// <summary>What one <see cref="AlertEngine.EvaluateAsync"/> call did.</summary>
/// <param name="Alerts">The alerts raised and handed to the sinks, in order (findings, thresholds, z-scores, stalled).</param>
/// <param name="Actions">Control actions decided by this call (already appended to <paramref name="Control"/>).</param>
/// <param name="Control">The control document with every action so far; write it to <c>control.json</c> when
/// <paramref name="Actions"/> is not empty.</param>
/// <param name="Warnings">Readable lines for sinks that failed after their retries, and actions that could not be decided
/// (a rollback with no checkpoint known). Never thrown.</param>
public sealed record AlertEvaluation(
    IReadOnlyList<Alert> Alerts,
    IReadOnlyList<ControlAction> Actions,
    ControlDocument Control,
    IReadOnlyList<string> Warnings);
