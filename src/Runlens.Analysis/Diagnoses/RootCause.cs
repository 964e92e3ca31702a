using System.Collections.Immutable;
using Runlens.Analysis.Findings;
using Runlens.Model;

namespace Runlens.Analysis.Diagnoses;

/// <summary>
/// Several findings explained by one cause (a learning rate too high shows as a rising loss, spikes and gradients at the
/// clip; a run that overfits shows a past-best checkpoint and a missed early stop), ranked so that the first is the one
/// thing to fix first.
/// </summary>
/// <param name="Id">Stable cause id (the table in <see cref="Causes"/>): <c>run-failed</c>, <c>leakage</c>, <c>broken-values</c>,
/// <c>step-accounting</c>, <c>eval-too-small</c>, <c>numerical-overflow</c>, <c>exploding-gradients</c>, <c>lr-spike</c>, <c>schedule-restart</c>,
/// <c>unstable-gradients</c>, <c>lr-too-high</c>, <c>diverging</c>, <c>data-shift</c>, <c>sudden-change</c>, <c>label-noise</c>, <c>class-imbalance</c>,
/// <c>has-not-learned-the-task</c>, <c>vanishing-gradients</c>, <c>lr-too-low</c>, <c>underfitting-capacity</c>, <c>underfitting</c>,
/// <c>stopped-too-early</c>, <c>overfitting</c>, <c>trained-past-best</c>, <c>plateau</c>, <c>judged-by-the-wrong-metric</c>,
/// <c>loss-spikes</c>, <c>memorising-groups</c>, <c>slice-gap</c>, <c>weak-classes</c>, <c>overconfidence</c>,
/// <c>hardware-underused</c>, <c>seed-variance</c>.</param>
/// <param name="Title">The cause in a few words.</param>
/// <param name="Severity">The most severe of its findings.</param>
/// <param name="Explanation">The leading finding's explanation.</param>
/// <param name="Rules">Slugs of the findings it explains, the leading one first.</param>
/// <param name="FixFirst">The leading finding's first recommendation.</param>
public sealed record RootCause(string Id, string Title, Severity Severity, string? Explanation, ImmutableArray<string> Rules, Recommendation? FixFirst)
{
    /// <summary>The causes, upstream first: among causes of equal severity, the one listed first is ranked first, because
    /// fixing it usually removes the others (a learning rate too high also ends in a past-best checkpoint).</summary>
    public static readonly ImmutableArray<(string Id, string Title)> Causes =
    [
        ("run-failed", "The run crashed before it finished"),
        ("leakage", "The validation data leaks from training (copied examples, or a feature that encodes the label): its scores cannot be trusted"),
        ("broken-values", "Logged values that cannot be right (a bug in the objective, the data or the logging)"),
        ("step-accounting", "The step and epoch bookkeeping is wrong (the epoch counter or the recorded config)"),
        ("eval-too-small", "The evaluation set is too small to measure the model: its scores move by whole examples"),
        ("numerical-overflow", "Weights or activations overflowed: the loss became NaN or infinite"),
        ("exploding-gradients", "Exploding gradients: the gradient norm bursts or stays huge"),
        ("unstable-gradients", "Unstable optimisation: the gradient norm swings widely from step to step"),
        ("lr-spike", "A learning-rate spike mid-run knocked the model out"),
        ("schedule-restart", "The learning-rate schedule restarted mid-run (a resume that rebuilt the optimizer and scheduler)"),
        ("lr-too-high", "The learning rate is too high"),
        ("diverging", "The training loss rises over the run"),
        ("data-shift", "Something in the data changed mid-run (the learning rate did not)"),
        ("sudden-change", "Something changed mid-run: a sudden drop or a jump to a worse level"),
        ("label-noise", "Many labels look wrong"),
        ("class-imbalance", "Rare classes are ignored: the predictions follow the majority class"),
        ("has-not-learned-the-task", "The model has not learned the task: its predictions are no better than a trivial guess"),
        ("vanishing-gradients", "Vanishing gradients: almost no gradient reaches the weights"),
        ("lr-too-low", "The learning rate is too low"),
        ("underfitting-capacity", "The model lacks capacity: it stays unsure, and scores low and alike on training and validation data"),
        ("underfitting", "The model underfits: training and validation loss both stay high"),
        ("stopped-too-early", "The run stopped while still improving"),
        ("judged-by-the-wrong-metric", "The loss and the task metric disagree: judge by the task metric"),
        ("overfitting", "The model overfits: it memorises the training set while validation gets worse"),
        ("trained-past-best", "Training went on past its best point"),
        ("plateau", "The metric stopped improving long before the run ended"),
        ("loss-spikes", "Spikes in the training loss (bad batches or steps too large)"),
        ("memorising-groups", "Predictions follow the group (speaker, patient), not the example"),
        ("slice-gap", "A slice of the data scores far below the others"),
        ("weak-classes", "Some classes are learned much worse than others"),
        ("overconfidence", "Predictions are more confident than they are right"),
        ("hardware-underused", "The hardware is underused"),
        ("seed-variance", "Seeds spread too widely to trust small differences"),
    ];

    /// <summary>Groups findings (sorted most important first) by cause, leaving out information-only findings, missing
    /// telemetry and data-audit findings other than leaked validation data (they describe the dataset, not the run); causes are ranked by their most severe finding, then upstream first (<see cref="Causes"/>), then by their
    /// findings' total confidence. Without the run, causes that need its learning rate are not told apart.</summary>
    public static ImmutableArray<RootCause> Group(IReadOnlyList<Finding> findings, Run? run = null)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var serious = findings.Where(f => f.Severity >= Severity.Warning && f.Rule != "missing-telemetry" && !CauseAttribution.DescribesOnlyTheData(f)).ToList();
        var attribution = new CauseAttribution(findings, run);
        var members = new Dictionary<string, List<(Finding Finding, bool Lead)>>(StringComparer.Ordinal);
        var supports = new List<(Finding Finding, string[] Joins, string Own)>();
        foreach (var f in serious)
        {
            var (id, joins) = attribution.Of(f);
            if (joins.Length == 0)
            {
                Add(members, id, f, lead: true);
            }
            else
            {
                supports.Add((f, joins, id));
            }
        }

        // A supporting finding joins the first cause it can explain; alone, it stands as its own (lesser) cause.
        foreach (var (f, joins, own) in supports)
        {
            Add(members, joins.FirstOrDefault(members.ContainsKey) ?? own, f, lead: !joins.Any(members.ContainsKey));
        }

        // Loops rather than LINQ sorts over tuples: those generic instantiations cannot be precompiled and were JIT-compiled
        // in every command that diagnoses.
        var causes = new RootCause[members.Count];
        var ranks = new int[members.Count];
        var weights = new double[members.Count];
        var n = 0;
        foreach (var (id, list) in members)
        {
            // A rule the table does not know yet stands as its own cause, after the known ones.
            var rank = RankOf(id);
            var title = rank < Causes.Length ? Causes[rank].Title : list[0].Finding.Title;

            var ordered = LeadsFirst(list, serious);
            var lead = ordered[0];
            var severity = lead.Severity;
            var weight = 0.0;
            var rules = new List<string>(ordered.Length);
            foreach (var f in ordered)
            {
                severity = f.Severity > severity ? f.Severity : severity;
                weight += f.Confidence;
                if (!rules.Contains(f.Rule))
                {
                    rules.Add(f.Rule);
                }
            }

            causes[n] = new RootCause(id, title, severity, lead.RootCause, [.. rules], lead.Recommendations.FirstOrDefault());
            ranks[n] = rank;
            weights[n] = weight;
            n++;
        }

        // Most severe first, then upstream first, then the heavier; the id breaks ties (causes are few: insertion sort).
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            var j = i;
            while (j > 0 && Before(i, order[j - 1]))
            {
                order[j] = order[j - 1];
                j--;
            }

            order[j] = i;
        }

        var result = ImmutableArray.CreateBuilder<RootCause>(n);
        foreach (var i in order)
        {
            result.Add(causes[i]);
        }

        return result.MoveToImmutable();

        bool Before(int a, int b) =>
            causes[a].Severity != causes[b].Severity ? causes[a].Severity > causes[b].Severity
            : ranks[a] != ranks[b] ? ranks[a] < ranks[b]
            : weights[a] != weights[b] ? weights[a] > weights[b]
            : string.CompareOrdinal(causes[a].Id, causes[b].Id) < 0;
    }

    private static int RankOf(string id)
    {
        for (var i = 0; i < Causes.Length; i++)
        {
            if (Causes[i].Id == id)
            {
                return i;
            }
        }

        return Causes.Length;
    }

    /// <summary>The members' findings, leading ones first, each group in the order of <paramref name="serious"/> (a stable
    /// insertion sort: a cause has a few findings).</summary>
    private static Finding[] LeadsFirst(List<(Finding, bool)> list, List<Finding> serious)
    {
        var findings = new Finding[list.Count];
        var leads = new bool[list.Count];
        var at = new int[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            var (f, lead) = list[i];
            var j = i;
            var position = serious.IndexOf(f);
            while (j > 0 && (lead && !leads[j - 1] || lead == leads[j - 1] && position < at[j - 1]))
            {
                findings[j] = findings[j - 1];
                leads[j] = leads[j - 1];
                at[j] = at[j - 1];
                j--;
            }

            findings[j] = f;
            leads[j] = lead;
            at[j] = position;
        }

        return findings;
    }

    private static void Add(Dictionary<string, List<(Finding, bool)>> members, string id, Finding f, bool lead)
    {
        if (!members.TryGetValue(id, out var list))
        {
            members[id] = list = [];
        }

        list.Add((f, lead));
    }
}
