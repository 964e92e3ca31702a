namespace Runlens.Import.Output;

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
