using Runlens.Analysis;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Audit.Results;

namespace Runlens.Audit.Checks;

/// <summary>
/// RL0725: an id-like column (named like an id, or integers or strings with a distinct value in nearly every row; a column
/// of fractional numbers is a measurement, not an id) whose order predicts the
/// label: the rows sorted by the column and cut into 10 equal bins, each bin's majority label is right far more often
/// than the majority label alone. The data was assembled class by class, and a model given the column learns the
/// assembly order instead of the task.
/// </summary>
internal sealed class IdColumnCheck : AuditCheck
{
    private const int Bins = 10;

    public override RuleDescriptor Descriptor { get; } = RuleDescriptor.Create(
        "RL0725", "id-predicts-label", "An id-like column predicts the label", RuleCategory.DataAudit, Severity.Error, [], [typeof(DataAuditEvidence)],
        new RuleOption("min_unique", 0.95, "A column with at least this share of distinct values (or named id, *_id, index) is id-like"),
        new RuleOption("min_lift", 0.2, "The id's bins must predict the label this much better (in accuracy) than the majority label alone"));

    internal override AuditCheckOutcome Evaluate(AuditCheckContext context)
    {
        var minUnique = context.Option("min_unique");
        var minLift = context.Option("min_lift");
        var examined = 0;
        IdColumnEvidence? worst = null;
        var issues = new List<AuditIssue>();
        foreach (var t in context.Data.Tables.Where(t => t.Label >= 0 && t.Rows >= 2 * Bins))
        {
            var labels = t.Cells[t.Label];
            for (var c = 0; c < t.Columns.Length; c++)
            {
                var col = t.Columns[c];
                var unique = (double)col.Distinct / t.Rows;
                if (c == t.Label || col.Role is "text" or "file" || !(col.Role == "id" || (unique >= minUnique && !Measurement(t.Numbers[c]))))
                {
                    continue;
                }

                examined++;
                var rows = Enumerable.Range(0, t.Rows).Where(r => labels[r] is not null && t.Cells[c][r] is not null).ToList();
                if (rows.Count < 2 * Bins)
                {
                    continue;
                }

                var numbers = t.Numbers[c];
                rows = numbers is not null
                    ? [.. rows.Where(r => !double.IsNaN(numbers[r])).OrderBy(r => numbers[r])]
                    : [.. rows.OrderBy(r => t.Cells[c][r], StringComparer.Ordinal)];
                var baseline = rows.GroupBy(r => labels[r]).Max(g => g.Count()) / (double)rows.Count;
                var correct = 0;
                for (var b = 0; b < Bins; b++)
                {
                    var bin = rows.Skip(b * rows.Count / Bins).Take(((b + 1) * rows.Count / Bins) - (b * rows.Count / Bins));
                    correct += bin.GroupBy(r => labels[r]).Select(g => g.Count()).DefaultIfEmpty(0).Max();
                }

                var accuracy = (double)correct / rows.Count;
                if (accuracy - baseline >= minLift)
                {
                    var evidence = new IdColumnEvidence(examined, 0, col.Name, t.File, unique, Bins, accuracy, baseline, minLift);
                    issues.Add(new AuditIssue($"{t.File}:{col.Name}",
                        $"{col.Name}'s order predicts {t.Columns[t.Label].Name} with accuracy {Format.Number(accuracy)} in {Bins} bins, against {Format.Number(baseline)} for the majority label", accuracy - baseline));
                    if (worst is null || accuracy - baseline > worst.Accuracy - worst.Baseline)
                    {
                        worst = evidence;
                    }
                }
            }
        }

        if (examined == 0)
        {
            return AuditCheckOutcome.NotApplicable;
        }

        if (worst is null)
        {
            return AuditCheckContext.Nothing(examined);
        }

        return context.Found(examined, Severity.Error, Math.Min(0.95, 0.5 + worst.Accuracy - worst.Baseline),
            $"Id-like column {worst.Column} predicts the label: accuracy {Format.Number(worst.Accuracy)} from its order alone, against {Format.Number(worst.Baseline)} for the majority label",
            worst with { Examined = examined, Count = issues.Count }, issues,
            "The rows were numbered class by class (or the source changes with the id): a model given the column scores well by reading the id, and fails on new data whose ids mean nothing.",
            $"Drop {worst.Column} (and every id-like column) from the features; shuffle the rows before splitting so ids carry no label information.");
    }

    /// <summary>A numeric column with fractional values: a measurement, whose values are distinct because they are
    /// continuous, not an id (ids are integers or strings); its order predicting the label is what a feature is for.</summary>
    private static bool Measurement(double[]? numbers) =>
        numbers is not null && numbers.Any(v => double.IsFinite(v) && v != Math.Floor(v));
}
