namespace Runlens.Live.Control;

/// <summary>What a trainer is asked to do (seed 004 §7.1).</summary>
public enum ControlVerb
{
    /// <summary>Stop training now, gracefully (the Hugging Face callback sets <c>control.should_training_stop</c>).</summary>
    Stop,
    /// <summary>Multiply every learning rate of the optimizer by <see cref="ControlAction.Factor"/>.</summary>
    ReduceLr,
    /// <summary>Go back to the best checkpoint, <see cref="ControlAction.Checkpoint"/>.</summary>
    Rollback,
}

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

/// <summary>How an issued action is recorded in the run.</summary>
public static class ControlEvents
{
    /// <summary>The run event that records <paramref name="action"/>: kind <see cref="Model.RunEventKind.Control"/>, a
    /// message naming the action, its reason and the finding that caused it.</summary>
    public static Model.RunEvent Of(ControlAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var what = action.Action switch
        {
            ControlVerb.ReduceLr => $"reduce_lr × {action.Factor?.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) ?? "?"}",
            ControlVerb.Rollback => "rollback" + (action.Checkpoint is null ? "" : " to " + action.Checkpoint),
            _ => ControlDocument.Verb(action.Action),
        };
        var named = action.RuleId is not null && action.Reason.Contains(action.RuleId, StringComparison.Ordinal)
            && (action.Finding is null || action.Reason.Contains(action.Finding, StringComparison.Ordinal));
        var cause = action.RuleId is null || named ? "" : $" (finding {action.RuleId}{(action.Finding is null ? "" : ": " + action.Finding)})";
        return new Model.RunEvent(Model.RunEventKind.Control, $"control {action.Id}: {what}: {action.Reason}{cause}", action.Step);
    }
}
