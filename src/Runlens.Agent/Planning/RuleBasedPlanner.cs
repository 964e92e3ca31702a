using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Runlens.Agent.Experiments;
using Runlens.Agent.Registry;
using Runlens.Analysis;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Analysis.Rules.Optimisation;

namespace Runlens.Agent.Planning;

/// <summary>
/// The default planner: deterministic, from what Runlens already concluded. After an experiment it
/// <list type="number">
/// <item>declares the goal achieved when the evaluator says so;</item>
/// <item>starts from the best experiment so far (saying so when the last one did worse);</item>
/// <item>turns the base experiment's diagnoses into changes, root cause by root cause: a failed run (out of memory: a
/// smaller batch; a time-out: fewer epochs; a model that fails its check: the MLP template), unstable optimisation (the
/// diagnosis' lower learning rate, else a third), not learning enough (the diagnosis' higher learning rate — ten times
/// when the training loss barely moved — and its longer training), training past the best point (weight decay and
/// dropout);</item>
/// <item>adds the strongest clear trend of <c>runlens impact</c> over the runs so far, once there are enough;</item>
/// <item>when none of that gives a configuration not tried yet: more epochs while the metric was still improving at the
/// end, then more capacity, a lower learning rate, another architecture;</item>
/// <item>stops when every such move has been tried.</item>
/// </list>
/// Every change carries one sentence that says why, naming the finding or figure behind it.
/// </summary>
public sealed class RuleBasedPlanner : IPlanner
{
    public const string Name = "rules";

    public Task<Plan> PlanAsync(PlanningContext context, CancellationToken cancellationToken = default) => Task.FromResult(Decide(context));

    public static Plan Decide(PlanningContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var c = context;
        var last = c.Last;
        var target = c.Goal.Target;
        if (last.Evaluation is { GoalAchieved: true, GoalValue: { } reached } ev)
        {
            return new Plan(PlanAction.GoalAchieved, string.Create(CultureInfo.InvariantCulture,
                $"{last.Id} reaches the goal: {target.Metric} {Judged(c)} {reached:G4} over {ev.NumSeeds} seeds, target {target.Describe()}."), null, null, [], Name);
        }

        var best = c.Best;
        var baseExp = best ?? last;
        var preface = "";
        if (best is not null && best != last && last.Evaluation?.GoalValue is { } lv)
        {
            preface = string.Create(CultureInfo.InvariantCulture, $"{last.Id} did worse than {best.Id} ({target.Metric} {lv:G4} vs {best.Evaluation!.GoalValue:G4}), so the next experiment starts from {best.Id}. ");
        }
        else if (best is not null && best != last)
        {
            preface = $"{last.Id} gave no result ({last.Failure}), so the next experiment starts from {best.Id}. ";
        }

        var tried = c.Experiments.Select(e => Key(e.Config)).ToHashSet(StringComparer.Ordinal);
        var moves = new List<ConfigMove>();
        string? lead = null;
        if (baseExp.Evaluation?.GoalValue is null)
        {
            var (fix, stop) = FailureMoves(baseExp);
            if (stop is not null)
            {
                return new Plan(PlanAction.Stop, stop, null, null, [], Name);
            }

            moves.AddRange(fix);
            lead = "fix the failure";
        }
        else
        {
            var diagnoses = c.DiagnosesOf(baseExp.Id);
            lead = baseExp.Diagnosis?.RootCauses.FirstOrDefault()?.Title;
            moves.AddRange(DiagnosisMoves(c, baseExp, diagnoses));
            moves.AddRange(ImpactMoves(c, baseExp, moves));
        }

        var start = baseExp.Config;
        var combined = Apply(start, moves, out var applied);
        if (applied.Count > 0 && !tried.Contains(Key(combined)))
        {
            return Refine(c, baseExp, start, combined, applied, preface + (lead is null ? "" : $"The diagnosis of {baseExp.Id} leads with: {lead}."));
        }

        // Nothing from the diagnosis gives a configuration not tried yet: the generic moves, one at a time.
        foreach (var move in GenericMoves(c, baseExp))
        {
            var next = Apply(start, [move], out var one);
            if (one.Count > 0 && !tried.Contains(Key(next)))
            {
                return Refine(c, baseExp, start, next, one, preface + (applied.Count > 0 ? "What the diagnosis suggests was tried already; " : "The diagnosis suggests no change; ")
                    + string.Create(CultureInfo.InvariantCulture, $"the goal is not reached ({target.Metric} {Judged(c)} {baseExp.Evaluation?.GoalValue:G4}, target {target.Threshold:G4})."));
            }
        }

        return new Plan(PlanAction.Stop, preface + "Every change the diagnoses, the impact analysis and the rule-based planner's fallbacks suggest has been tried; a different model, more data or an LLM planner may get further.", null, null, [], Name);
    }

    /// <summary>A configuration's identity for "tried already" (records holding arrays do not compare by content).</summary>
    public static string Key(ExperimentConfig config) => JsonSerializer.Serialize(config, AgentJson.Line.ExperimentConfig);

    /// <summary>Applies the moves in order, each key once (the first move for a key wins); moves that do not apply to the
    /// configuration are skipped.</summary>
    public static ExperimentConfig Apply(ExperimentConfig start, IEnumerable<ConfigMove> moves, out List<ConfigEditRecord> applied)
    {
        ArgumentNullException.ThrowIfNull(moves);
        applied = [];
        var config = start;
        foreach (var move in moves)
        {
            if (applied.Any(a => a.Key == move.Key))
            {
                continue;
            }

            try
            {
                var before = ConfigKeys.Get(config, move.Key);
                var next = ConfigKeys.Validate(ConfigKeys.With(config, move.Key, move.To?.DeepClone()));
                if (JsonNode.DeepEquals(before, ConfigKeys.Get(next, move.Key)))
                {
                    continue;
                }

                applied.Add(new ConfigEditRecord(move.Key, before?.DeepClone(), ConfigKeys.Get(next, move.Key), move.Why));
                config = next;
            }
            catch (FormatException)
            {
                // a move outside the key's range or for another architecture: not this one
            }
        }

        return config;
    }

    private static Plan Refine(PlanningContext c, ExperimentRecord baseExp, ExperimentConfig start, ExperimentConfig next, List<ConfigEditRecord> changes, string reason) =>
        new(PlanAction.Refine, (reason.Trim() + " " + string.Join("; ", changes.Select(x => $"{x.Key} {ConfigKeys.Text(x.From)} → {ConfigKeys.Text(x.To)} ({x.Why})")) + ".").Trim(),
            next, baseExp.Id, [.. changes], Name);

    private static string Judged(PlanningContext c) => c.Goal.Target.JudgedOn == Goals.JudgedOn.Mean ? "mean" : "95% bound";

    private static (List<ConfigMove> Moves, string? Stop) FailureMoves(ExperimentRecord e)
    {
        var config = e.Config;
        var moves = new List<ConfigMove>();
        var failures = string.Join(" ", e.Runs.Select(r => r.Failure).Append(e.Failure)).ToLowerInvariant();
        if (e.ModelSummary is null && e.Failure is { } f && f.Contains("model", StringComparison.Ordinal))
        {
            if (config.Model.Architecture != "mlp")
            {
                moves.Add(new ConfigMove("model.architecture", "mlp", $"the {config.Model.Architecture} model failed its check ({f}); the MLP template builds for any input shape"));
            }
            else
            {
                moves.Add(new ConfigMove("model.hidden", new JsonArray([.. (config.Model.Hidden ?? [64]).Select(h => (JsonNode?)Math.Max(1, h / 2))]), $"the model failed its check ({f}); a smaller one may fit the memory limit"));
            }

            return (moves, null);
        }

        if (failures.Contains("out of memory", StringComparison.Ordinal) || failures.Contains("memoryerror", StringComparison.Ordinal))
        {
            moves.Add(new ConfigMove("batch_size", Math.Max(1, config.Training.BatchSize / 2), "the runs ran out of memory; half the batch needs about half the activation memory"));
            return (moves, null);
        }

        if (e.Runs.Length > 0 && e.Runs.All(r => r.Status == Tools.SeedTrainer.TimedOut))
        {
            moves.Add(new ConfigMove("epochs", Math.Max(1, config.Training.Epochs / 2), "every run hit the wall-clock limit; half the epochs fit in it"));
            return (moves, null);
        }

        var first = e.Runs.Select(r => r.Failure).FirstOrDefault(x => x is not null) ?? e.Failure ?? "no result";
        return (moves, $"Every run of {e.Id} failed ({first}), and nothing in the configuration explains it: fix the trainer or the data set, then `runlens agent resume`.");
    }

    private static IEnumerable<ConfigMove> DiagnosisMoves(PlanningContext c, ExperimentRecord e, IReadOnlyDictionary<int, Diagnosis> diagnoses)
    {
        var config = e.Config;
        var merged = (e.Diagnosis?.ConfigChanges ?? []).Where(x => Tools.SeedDiagnoses.IsAgentKey(x.Key)).ToList();
        var findings = diagnoses.Values.SelectMany(d => d.Findings).Where(f => f.Severity >= Severity.Warning).ToList();
        var causes = e.Diagnosis?.RootCauses.Select(r => r.Id).ToList() ?? [];
        var lr = config.Training.LearningRate;
        foreach (var group in causes.Select(GroupOf).Distinct())
        {
            switch (group)
            {
                case CauseGroup.Unstable when findings.FirstOrDefault(x => x.Rule is "divergence" or "exploding-gradients" or "lr-too-high" or "clipping-saturation" or "loss-spikes") is { } f:
                {
                    var to = merged.FirstOrDefault(x => x.Key == "learning_rate")?.To is JsonValue v && ConfigKeys.AsDouble(v) < lr ? ConfigKeys.AsDouble(v) : lr / 3;
                    yield return new ConfigMove("learning_rate", TrainerVocabulary.Round3(to), $"{f.Rule}: {f.Title}; a lower learning rate steadies the optimisation");
                    break;
                }

                case CauseGroup.NotLearning:
                {
                    if (merged.FirstOrDefault(x => x.Key == "learning_rate")?.To is JsonValue v && ConfigKeys.AsDouble(v) > lr)
                    {
                        var factor = ConfigKeys.AsDouble(v) / lr;
                        var drop = findings.Select(x => x.Evidence switch
                        {
                            LearningRateTooLowEvidence l => l.RelativeDrop,
                            UnderfittingEvidence u => u.RelativeDrop,
                            _ => double.NaN,
                        }).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
                        var f = findings.First(x => x.Rule is "lr-too-low" or "underfitting");
                        if (double.IsFinite(drop) && drop < 0.1 && factor < 10)
                        {
                            yield return new ConfigMove("learning_rate", TrainerVocabulary.Round3(lr * 10), string.Create(CultureInfo.InvariantCulture,
                                $"{f.Rule}: the training loss {(drop >= 0 ? "fell only" : "rose")} {Math.Abs(drop) * 100:0.#}%; the diagnosis' {factor:G2}× step would take several experiments, so 10×"));
                        }
                        else
                        {
                            yield return new ConfigMove("learning_rate", TrainerVocabulary.Round3(ConfigKeys.AsDouble(v)), $"{f.Rule}: {f.Title}");
                        }
                    }

                    foreach (var m in EpochMoves(c, e, findings, merged))
                    {
                        yield return m;
                    }

                    if (findings.FirstOrDefault(x => x.Rule == "underfitting") is { } under && !merged.Any(x => x.Key == "learning_rate"))
                    {
                        foreach (var m in Capacity(config, $"underfitting: {under.Title}; a larger model can fit more"))
                        {
                            yield return m;
                        }
                    }

                    break;
                }

                case CauseGroup.PastBest:
                {
                    if (findings.FirstOrDefault(x => x.Rule == "overfitting") is { } over)
                    {
                        var wd = config.Training.WeightDecay;
                        yield return new ConfigMove("weight_decay", wd <= 0 ? 1e-4 : Math.Min(0.1, TrainerVocabulary.Round3(wd * 10)), $"overfitting: {over.Title}; weight decay keeps the weights from fitting the noise");
                        yield return new ConfigMove("model.dropout", Math.Min(0.5, Math.Round(config.Model.Dropout + 0.1, 2)), "overfitting: dropout regularises the same way from another side");
                    }

                    break;
                }
            }
        }

        // not-converged can fire without another cause of its group leading.
        if (!causes.Any(x => GroupOf(x) == CauseGroup.NotLearning))
        {
            foreach (var m in EpochMoves(c, e, findings, merged))
            {
                yield return m;
            }
        }
    }

    /// <summary>What the planner can change for a root cause (see <c>RootCause.Causes</c>): a learning rate that is too
    /// high for the optimisation to stay stable, a run that has not learned enough, or one that went on past its best.
    /// Causes a configuration cannot fix (a restarted schedule, a learning-rate spike, the data) have none.</summary>
    private static CauseGroup GroupOf(string cause) => cause switch
    {
        "numerical-overflow" or "exploding-gradients" or "lr-too-high" or "diverging" or "loss-spikes" => CauseGroup.Unstable,
        "lr-too-low" or "vanishing-gradients" or "underfitting" or "stopped-too-early" => CauseGroup.NotLearning,
        "overfitting" or "trained-past-best" or "plateau" => CauseGroup.PastBest,
        _ => CauseGroup.None,
    };

    private static IEnumerable<ConfigMove> EpochMoves(PlanningContext c, ExperimentRecord e, List<Finding> findings, List<ConfigEditRecord> merged)
    {
        if (findings.FirstOrDefault(x => x.Rule == "not-converged") is not { } nc)
        {
            yield break;
        }

        var epochs = e.Config.Training.Epochs;
        var suggested = merged.FirstOrDefault(x => x.Key == "epochs")?.To is JsonValue v ? (int)Math.Ceiling(ConfigKeys.AsDouble(v)) : (int)Math.Ceiling(epochs * 1.5);
        var gap = e.Evaluation?.GoalValue is { } g ? Gap(c, g) : 0;
        var far = gap > 0.1;
        var to = far ? Math.Max(suggested, epochs * 2) : Math.Max(suggested, epochs + 1);
        yield return new ConfigMove("epochs", to, far
            ? string.Create(CultureInfo.InvariantCulture, $"not-converged: {nc.Title}; the diagnosis suggests {suggested}, and with the goal still {gap * 100:0}% away, {to}")
            : $"not-converged: {nc.Title}");
    }

    /// <summary>How far a value is from the threshold, relative to it (0 when reached).</summary>
    private static double Gap(PlanningContext c, double value)
    {
        var t = c.Goal.Target;
        var gap = t.GreaterIsBetter ? t.Threshold - value : value - t.Threshold;
        return Math.Max(0, gap) / Math.Max(Math.Abs(t.Threshold), 1e-12);
    }

    private static IEnumerable<ConfigMove> ImpactMoves(PlanningContext c, ExperimentRecord e, List<ConfigMove> already)
    {
        if (c.Impact is not { Metric: { } metric } impact)
        {
            yield break;
        }

        var numeric = new[] { "learning_rate", "epochs", "batch_size", "weight_decay", "model.dropout" };
        var strongest = impact.Parameters
            .Where(p => numeric.Contains(p.Key) && p.Spearman is { } s && Math.Abs(s.Rho) >= 0.5 && s.PValue < 0.05 && already.All(m => m.Key != p.Key))
            .OrderByDescending(p => Math.Abs(p.Spearman!.Rho)).FirstOrDefault();
        if (strongest is null || ConfigKeys.Get(e.Config, strongest.Key) is not JsonValue current)
        {
            yield break;
        }

        var up = strongest.Spearman!.Rho > 0 == impact.GreaterIsBetter;
        var value = ConfigKeys.AsDouble(current);
        JsonNode to = strongest.Key switch
        {
            "epochs" or "batch_size" => (int)Math.Max(1, up ? value * 2 : Math.Floor(value / 2)),
            "model.dropout" => Math.Round(up ? Math.Min(0.5, value + 0.1) : Math.Max(0, value - 0.1), 2),
            "weight_decay" => up ? (value <= 0 ? 1e-4 : Math.Min(0.1, value * 10)) : value / 10,
            _ => TrainerVocabulary.Round3(up ? value * 2 : value / 2),
        };
        yield return new ConfigMove(strongest.Key, to, string.Create(CultureInfo.InvariantCulture,
            $"impact over {strongest.Spearman.N} runs: {strongest.Key} correlates {strongest.Spearman.Rho:+0.00;-0.00} with {metric} (p {strongest.Spearman.PValue:G2}), so {(up ? "more" : "less")}"));
    }

    private static IEnumerable<ConfigMove> GenericMoves(PlanningContext c, ExperimentRecord e)
    {
        var config = e.Config;
        var lead = c.DiagnosesOf(e.Id).Values.FirstOrDefault();
        if (lead?.Summary is { EvalsPastBest: 0, PrimaryMetric: { } primary })
        {
            yield return new ConfigMove("epochs", config.Training.Epochs * 2, $"{primary} was best at the last evaluation: it may still improve with more epochs");
        }

        foreach (var m in Capacity(config, "the goal is not reached and the diagnosis names no cause; a larger model can fit more"))
        {
            yield return m;
        }

        yield return new ConfigMove("learning_rate", TrainerVocabulary.Round3(config.Training.LearningRate * 0.3), "a smaller learning rate settles into a better minimum when larger steps stall");
        yield return new ConfigMove("epochs", config.Training.Epochs * 2, "more epochs, with the best checkpoint kept, cannot make the best epoch worse");
        if (config.Model.Architecture == "mlp")
        {
            yield return new ConfigMove("model.architecture", "cnn", "the MLP is not reaching the goal; a convolutional model uses the input's spatial structure");
        }
    }

    private static IEnumerable<ConfigMove> Capacity(ExperimentConfig config, string why)
    {
        var m = config.Model;
        switch (m.Architecture)
        {
            case "mlp" when m.Hidden is { } h:
                yield return new ConfigMove("model.hidden", new JsonArray([.. h.Select(x => (JsonNode?)Math.Min(4096, x * 2))]), why);
                break;
            case "cnn" when m.Channels is { } ch:
                yield return new ConfigMove("model.channels", new JsonArray([.. ch.Select(x => (JsonNode?)Math.Min(1024, x * 2))]), why);
                break;
            case "gru" or "lstm" when m.HiddenSize is { } hs:
                yield return new ConfigMove("model.hidden_size", Math.Min(4096, hs * 2), why);
                break;
            case "transformer" when m.DModel is { } d:
                yield return new ConfigMove("model.d_model", Math.Min(1024, d * 2), why);
                break;
        }
    }
}
