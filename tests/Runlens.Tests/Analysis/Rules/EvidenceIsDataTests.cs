using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Evaluation;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules.DataAndLabels;
using Runlens.Analysis.Rules.RunAccounting;
using Runlens.Import;
using Runlens.Import.Predictions;
using Runlens.Model;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Rules;

/// <summary>
/// Evidence is data: over the example runs, the shared real fixtures (with the real predictions files) and a seed
/// aggregate, every finding's evidence is a record its rule declares and no evidence string packs several facts
/// (<see cref="EvidenceAudit"/>). The generated runs of the rule tests are checked too: <see cref="RuleTestBase"/> audits
/// every diagnosis it makes.
/// </summary>
public sealed class EvidenceIsDataTests
{
    [Fact]
    public async Task Every_finding_over_the_example_runs_carries_declared_evidence_without_packed_strings()
    {
        var rules = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in Fixtures.RunExamples().Order(StringComparer.Ordinal))
        {
            var result = await ImporterCatalog.ImportAsync(folder);
            foreach (var run in result.Runs)
            {
                var d = new Diagnoser().Diagnose(run);
                EvidenceAudit.Check(d.Findings, run);
                rules.UnionWith(d.Findings.Select(f => f.Rule));
            }
        }

        // Not vacuous: the examples fire rules of several kinds.
        Assert.Superset(new HashSet<string> { "overfitting", "past-best-checkpoint", "early-stopping", "plateau" }, rules);
    }

    [SharedFact]
    public async Task Every_finding_over_the_shared_real_fixtures_carries_declared_evidence_without_packed_strings()
    {
        var rules = new HashSet<string>(StringComparer.Ordinal);
        var runs = 0;
        foreach (var folder in Directory.GetDirectories(Fixtures.SharedReal!).Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(folder).StartsWith("predictions-", StringComparison.Ordinal))
            {
                continue; // predictions files, not runs: below
            }

            ImportResult result;
            try
            {
                result = await ImporterCatalog.ImportAsync(folder);
            }
            catch (RunImportException)
            {
                continue; // a folder with nothing to import (the importers' own tests cover it)
            }

            foreach (var run in result.Runs)
            {
                var d = new Diagnoser().Diagnose(run);
                EvidenceAudit.Check(d.Findings, run);
                rules.UnionWith(d.Findings.Select(f => f.Rule));
                runs++;
            }
        }

        // The finance predictions belong to the finance run (INDEX.md); the window-detection ones stand alone, with their
        // probabilities (label noise, overconfidence) and their time column as slices.
        var financeRun = (await ImporterCatalog.ImportAsync(Fixtures.Shared("hf-trainer-finance-news-sentiment"))).Runs[0];
        var finance = PredictionContext.Of(await PredictionsReader.ReadClassificationAsync(
            Path.Combine(Fixtures.Shared("predictions-finance-news-sentiment"), "study_dataset_with_predictions.csv")));
        var withPredictions = new Diagnoser().Diagnose(financeRun, finance);
        EvidenceAudit.Check(withPredictions.Findings, financeRun, finance);
        rules.UnionWith(withPredictions.Findings.Select(f => f.Rule));

        var windowSet = await PredictionsReader.ReadClassificationAsync(
            Path.Combine(Fixtures.Shared("predictions-binary-window-detection-probabilities"), "window_predictions_bz_pytorch.csv"));
        var window = PredictionContext.Of(windowSet, new SliceSpec("time", ["time"], null));
        var source = "window_predictions_bz_pytorch.csv";
        var alone = PredictionRules.Diagnose(source, window);
        EvidenceAudit.Check(alone, new Run { Identity = new RunIdentity(source, source, null, new RunSource("predictions", source)) }, window);
        rules.UnionWith(alone.Select(f => f.Rule));

        Assert.True(runs >= 35, $"{runs} runs diagnosed");
        Assert.Superset(
            new HashSet<string> { "overfitting", "divergence", "suspicious-values", "weak-classes", "class-imbalance", "confusion-pairs", "exploding-gradients" },
            rules);
    }

    [Fact]
    public void A_seed_aggregate_finding_carries_declared_evidence_without_packed_strings()
    {
        var seeds = SeedAggregate.Of(
            [.. new[] { 0.81, 0.86, 0.78 }.Select((v, i) => ($"seed-{i}", (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { ["f1_macro"] = v }))],
            "f1_macro", greaterIsBetter: true);
        var findings = PredictionRules.DiagnoseSeeds(seeds);
        Assert.Single(findings);
        EvidenceAudit.Check(findings, new Run { Identity = new RunIdentity("seeds", "seeds", null, new RunSource("predictions", "seeds")) }, seeds: seeds);
    }

    [Theory]
    [InlineData("268: given 3, suspected 2 (p 0.9022 vs 0.01009, margin 0.8921)")]
    [InlineData("val/loss at step 1,200")]
    [InlineData("a (5)")]
    [InlineData("a → b: 14% (7)")]
    [InlineData("MISC F1 0.1 (support 4)")]
    [InlineData("inferred: the trainer state does not record the callback")]
    [InlineData("HF Trainer default max_grad_norm")]
    public void A_string_that_packs_facts_is_reported(string packed)
    {
        var run = new RunBuilder().Series("train/loss", 10, 1.0, 0.9).Build();
        var finding = new Finding("RL0404", "metric-anomaly", Severity.Info, 0.5, "t",
            new MetricAnomalyEvidence(packed, 10, 1, 1, 9, 8, []), [10], []);
        var problem = Assert.Single(EvidenceAudit.Problems([finding], run));
        Assert.Contains("$.series", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Identifiers_input_values_and_bucket_names_pass_and_undeclared_evidence_is_reported()
    {
        var run = new RunBuilder().Series("val/loss at step 3", 10, 1.0, 0.9).Build();
        var outlier = new MetricAnomalyEvidence("val/loss at step 3", 10, 1, 1, 9, 8, [new SeriesOutlier("train/g0_loss", 20, 1, 9)]);
        Assert.Empty(EvidenceAudit.Problems([new Finding("RL0404", "metric-anomaly", Severity.Info, 0.5, "t", outlier, [], [])], run));
        Assert.True(EvidenceAudit.Acceptable("[5, 10)", new HashSet<string>()));
        Assert.True(EvidenceAudit.Acceptable("≥ 15", new HashSet<string>()));
        Assert.True(EvidenceAudit.Acceptable("loss-only", new HashSet<string>()));
        Assert.False(EvidenceAudit.Acceptable("5 of 12", new HashSet<string>()));

        var wrongType = new Finding("RL0404", "metric-anomaly", Severity.Info, 0.5, "t",
            new ConfusionPairsEvidence(0, 0.1, 5, "a", "b", 0, 0, false, []), [], []);
        Assert.Contains("not one the rule declares", Assert.Single(EvidenceAudit.Problems([wrongType], run)), StringComparison.Ordinal);
    }
}
