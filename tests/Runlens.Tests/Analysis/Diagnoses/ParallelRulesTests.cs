using System.Text;
using Runlens.Analysis.Diagnoses;
using Runlens.Import;
using Runlens.Model;
using Runlens.Reports;
using Runlens.Tests.Support;

namespace Runlens.Tests.Analysis.Diagnoses;

/// <summary>A large run's rules run on every core; the diagnosis must be the one the rules give one after another.</summary>
public sealed class ParallelRulesTests
{
    private static readonly Diagnoser OnEveryCore = new() { ParallelFromPoints = 0 };
    private static readonly Diagnoser OneAfterAnother = new() { ParallelFromPoints = long.MaxValue };

    [Fact]
    public async Task Every_example_gets_the_same_diagnosis_json_on_every_core_as_one_rule_after_another()
    {
        var compared = 0;
        foreach (var folder in Fixtures.RunExamples())
        {
            foreach (var run in (await ImporterCatalog.ImportAsync(folder)).Runs)
            {
                Assert.Equal(Json(OneAfterAnother, run), Json(OnEveryCore, run));
                compared++;
            }
        }

        Assert.True(compared >= 5, $"{compared} runs compared");
    }

    [Fact]
    public void A_run_of_a_million_points_with_faults_gets_the_same_diagnosis_both_ways()
    {
        // Past the default threshold, so the plain Diagnoser takes the parallel path; a NaN, a spike and a rising
        // validation loss make several rules report.
        const int n = 250_000;
        var rng = new Random(7);
        double[] train = [.. Enumerable.Range(0, n).Select(i => i == n / 2 ? 40 : i == n - 10 ? double.NaN : 2.5 * Math.Exp(-4.0 * i / n) + 0.3 + (0.05 * rng.NextDouble()))];
        double[] val = [.. Enumerable.Range(0, 200).Select(i => 1.0 - (0.004 * i) + (i > 120 ? 0.01 * (i - 120) : 0))];
        double[] lr = [.. Enumerable.Range(0, n).Select(i => 5e-5 * (1 - ((double)i / n)))];
        var run = new RunBuilder().Series("train/loss", 1, train).Series("val/loss", n / 200, val)
            .Series("train/learning_rate", 1, lr).Build();

        var parallel = Json(new Diagnoser(), run);
        Assert.Equal(Json(OneAfterAnother, run), parallel);
        Assert.Contains("\"rule\"", parallel, StringComparison.Ordinal);
    }

    private static string Json(Diagnoser diagnoser, Run run)
    {
        using var ms = new MemoryStream();
        Renderers.For("json").Render([diagnoser.Diagnose(run)], ms);
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
