using Runlens.Live.Control;

namespace Runlens.Live.Alerts.Policy;

/// <summary>What the <see cref="ActionPolicy"/> decided in one look.</summary>
/// <param name="Actions">The actions decided now, already appended to <paramref name="Control"/>.</param>
/// <param name="Control">The control document with every action so far.</param>
/// <param name="Warnings">Actions that could not be decided yet (a rollback with no checkpoint known), once each.</param>
internal sealed record ActionDecision(IReadOnlyList<ControlAction> Actions, ControlDocument Control, IReadOnlyList<string> Warnings);
