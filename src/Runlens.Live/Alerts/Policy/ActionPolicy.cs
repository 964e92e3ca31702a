using System.Collections.Immutable;
using Runlens.Analysis;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Live.Control;

namespace Runlens.Live.Alerts.Policy;

/// <summary>
/// Which control actions the findings of a look call for. For each finding matched by an <see cref="ActionRule"/> (its rule
/// or <c>*</c>, at least its <see cref="ActionRule.MinSeverity"/>): one action per (rule id, verb) per run, never repeated,
/// at most one of each verb per look. Ids continue from <see cref="Control"/>, which starts from the run's existing control
/// document (whose actions also count as taken). A rollback needs the best checkpoint's path: without one it is not decided
/// (a warning says so, once per rule) and may be decided in a later look. Reads no clock and writes nothing.
/// </summary>
internal sealed class ActionPolicy
{
    private readonly ImmutableArray<ActionRule> _rules;
    private readonly HashSet<(string Rule, ControlVerb Verb)> _taken = [];
    private readonly HashSet<string> _warnedOnce = new(StringComparer.Ordinal);

    public ActionPolicy(ImmutableArray<ActionRule> rules, ControlDocument control)
    {
        ArgumentNullException.ThrowIfNull(control);
        _rules = rules;
        Control = control;
        Adopt(control);
    }

    /// <summary>Every action so far: the document given, plus the actions decided since.</summary>
    public ControlDocument Control { get; private set; }

    /// <summary>Replaces <see cref="Control"/> with a newer document (someone else appended actions), so new ids do not
    /// collide; its (rule, verb) pairs count as taken.</summary>
    public void Adopt(ControlDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        Control = document;
        foreach (var a in document.Actions)
        {
            if (a.RuleId is not null)
            {
                _taken.Add((a.RuleId, a.Action));
            }
        }
    }

    /// <summary>The actions the findings of <paramref name="diagnosis"/> call for, stamped with <paramref name="now"/> and the
    /// run's last step.</summary>
    public ActionDecision Decide(Diagnosis diagnosis, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(diagnosis);
        if (Control.Run.Length == 0)
        {
            Control = Control with { Run = diagnosis.Run.Identity.Id };
        }

        if (_rules.IsEmpty || diagnosis.Findings.IsDefaultOrEmpty)
        {
            return new ActionDecision([], Control, []);
        }

        List<ControlAction>? actions = null;
        List<string>? warnings = null;
        HashSet<ControlVerb>? verbsNow = null;
        long? lastStep = null;
        var lastStepKnown = false;
        foreach (var f in diagnosis.Findings)
        {
            foreach (var rule in _rules)
            {
                if ((!rule.IsWildcard && !string.Equals(rule.Rule, f.RuleId, StringComparison.OrdinalIgnoreCase)) || f.Severity < rule.MinSeverity
                    || _taken.Contains((f.RuleId, rule.Do)) || verbsNow?.Contains(rule.Do) == true)
                {
                    continue;
                }

                string? checkpoint = null;
                var what = "";
                switch (rule.Do)
                {
                    case ControlVerb.Stop:
                        what = "Stop the run.";
                        break;
                    case ControlVerb.ReduceLr:
                        what = $"Multiply the learning rate by {Format.Number(rule.Factor!.Value)}.";
                        break;
                    case ControlVerb.Rollback:
                        if (BestCheckpoint(diagnosis, f) is not { } best)
                        {
                            if (_warnedOnce.Add("rollback:" + f.RuleId))
                            {
                                (warnings ??= []).Add($"{f.Rule} ({f.RuleId}) asks for a rollback, but no best checkpoint is known yet; no rollback was written.");
                            }

                            continue;
                        }

                        checkpoint = best.Path;
                        what = $"Roll back to {best.Description}.";
                        break;
                }

                if (!lastStepKnown)
                {
                    (lastStep, lastStepKnown) = (diagnosis.Run.LastStep, true);
                }

                var action = new ControlAction(Control.NextId(), rule.Do, $"{f.Rule} ({f.RuleId}): {f.Title}. {what}", now, f.RuleId, f.Title,
                    lastStep, rule.Do == ControlVerb.ReduceLr ? rule.Factor : null, checkpoint);
                Control = Control.With(action);
                _taken.Add((f.RuleId, rule.Do));
                (verbsNow ??= []).Add(rule.Do);
                (actions ??= []).Add(action);
            }
        }

        return new ActionDecision(actions ?? (IReadOnlyList<ControlAction>)[], Control, warnings ?? (IReadOnlyList<string>)[]);
    }

    /// <summary>The best checkpoint: the one the finding names, the trainer's recorded best, the one saved at the primary
    /// metric's best step, or the last one saved before it.</summary>
    private static (string Path, string Description)? BestCheckpoint(Diagnosis diagnosis, Finding finding)
    {
        var run = diagnosis.Run;
        if (FindingEvidence.BestCheckpoint(finding) is { Length: > 0 } named)
        {
            return (named, $"the best checkpoint {named}");
        }

        if (run.Trainer.BestCheckpoint is { Length: > 0 } recorded)
        {
            return (recorded, $"the best checkpoint {recorded}");
        }

        if (diagnosis.Summary.Best is { } best)
        {
            if (Checkpoints.At(run, best.Step) is { } at)
            {
                return (at, $"the best checkpoint {at} (step {Format.Step(best.Step)})");
            }

            if (Checkpoints.AtOrBefore(run, best.Step) is { Path: { Length: > 0 } path } before)
            {
                return (path, $"{path}, the last checkpoint at or before the best step {Format.Step(best.Step)} (saved at step {Format.Step(before.Step)})");
            }
        }

        return null;
    }
}
