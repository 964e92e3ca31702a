namespace Runlens.Import.Output;

/// <summary>One control decision, written to <c>control.json</c> and served at <c>GET /api/runs/{id}/control</c>.
/// A trainer applies each action once, in order, remembering the ids it has applied.</summary>
/// <param name="Id">Unique within the run (<c>a1</c>, <c>a2</c>, …).</param>
/// <param name="Reason">One sentence a person can read: why.</param>
/// <param name="RuleId">The rule whose finding caused the action (<c>RL0103</c>), or null when a person asked.</param>
/// <param name="Finding">That finding's title.</param>
/// <param name="Step">The last step seen when the action was decided.</param>
/// <param name="Factor">For <see cref="ControlVerb.ReduceLr"/>: 0 &lt; factor &lt; 1.</param>
/// <param name="Checkpoint">For <see cref="ControlVerb.Rollback"/>: the best checkpoint's path, when known.</param>
public sealed record ControlAction(
    string Id,
    ControlVerb Action,
    string Reason,
    DateTimeOffset IssuedAt,
    string? RuleId = null,
    string? Finding = null,
    long? Step = null,
    double? Factor = null,
    string? Checkpoint = null);
