using System.Text;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Evaluation;
using Runlens.Import;
using Runlens.Reports;
using Runlens.Reports.Contracts;
using Runlens.Tests.Support;

namespace Runlens.Tests.Reports;

/// <summary>With predictions, a report shows the training-set accuracy beside the validation figures and a sample of
/// right and wrong predictions, on a replica of a hand-written diagnosis (first tokens of generated expressions).</summary>
public sealed class PredictionReportTests
{
    private static readonly string[] Tokens = ["(", "((", "x"];

    private static async Task<Diagnosis> DiagnoseAsync()
    {
        var run = Assert.Single((await ImporterCatalog.ImportAsync(Fixtures.Test("reports/seed-002-replica"))).Runs);
        // Validation: 77.8% of targets start with "(" and 22.2% with "x", yet "x" is predicted most (41.4%), then "(" (35.1%)
        // and "((" (23.5%): the model inverts the distribution.
        var validation = new PredictionSetBuilder(Tokens);
        for (var i = 0; i < 1000; i++)
        {
            var label = i < 778 ? 0 : 2;
            var predicted = i < 414 ? 2 : i < 765 ? 0 : i < 1000 ? 1 : 0;
            validation.Add("v" + i, label, predicted);
        }

        // Training set: 618 of 1,000 first tokens right (61.8%).
        var training = new PredictionSetBuilder(Tokens);
        for (var i = 0; i < 1000; i++)
        {
            var label = i < 778 ? 0 : 2;
            training.Add("t" + i, label, i < 618 ? label : (label + 1) % 3);
        }

        return new Diagnoser().Diagnose(run, PredictionContext.Of(validation.Build()), PredictionContext.Of(training.Build(), role: "training"));
    }

    [Fact]
    public async Task Markdown_shows_the_training_set_accuracy_and_sample_predictions()
    {
        var d = await DiagnoseAsync();
        using var ms = new MemoryStream();
        Renderers.For("md").Render([d], ms);
        var md = Encoding.UTF8.GetString(ms.ToArray());

        Assert.Contains("- **Training set**: 1,000 examples — accuracy 0.618", md, StringComparison.Ordinal);
        Assert.Contains("## Sample predictions", md, StringComparison.Ordinal);
        Assert.Contains("| wrong |", md, StringComparison.Ordinal);
        Assert.Contains("| correct |", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_carries_the_training_set_figures()
    {
        var doc = DiagnosisDocument.From(await DiagnoseAsync());
        Assert.NotNull(doc.TrainingPredictions);
        Assert.Equal(1000, doc.TrainingPredictions.Examples);
        Assert.Equal(0.618, doc.TrainingPredictions.Accuracy, 12);
    }
}
