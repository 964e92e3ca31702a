using System.Collections.Immutable;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Model;

namespace Runlens.Analysis.Evaluation;

/// <summary>The rules that need only predictions, run over a predictions file on its own (<c>runlens evaluate</c>).</summary>
public static class PredictionRules
{
    public static ImmutableArray<Finding> Diagnose(string source, PredictionContext predictions, RuleSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        var rules = RuleCatalog.All.Where(r => r.Descriptor.Category == RuleCategory.DataAndLabels);
        var run = new Run
        {
            Identity = new RunIdentity(Path.GetFileName(source), Path.GetFileName(source), null, new RunSource("predictions", source)),
        };
        return new Diagnoser(settings, rules).Diagnose(run, predictions).Findings;
    }

    /// <summary>The rules across runs (seed variance) over the aggregate of several seeds.</summary>
    public static ImmutableArray<Finding> DiagnoseSeeds(SeedAggregate seeds, RuleSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        var rules = RuleCatalog.All.Where(r => r.Descriptor.Category == RuleCategory.AcrossRuns);
        var run = new Run { Identity = new RunIdentity("seeds", "seeds", null, new RunSource("predictions", "seeds")) };
        return new Diagnoser(settings, rules).Diagnose(run, null, null, seeds).Findings;
    }
}
