using System.Text;
using Runlens.Analysis.Diagnoses;
using Runlens.Import;
using Runlens.Model;
using Runlens.Reports;
using Runlens.Tests.Support;

namespace Runlens.Tests.Reports;

/// <summary>
/// Rendered reports compared with checked-in expected files. When a change to a report is intended, review the new
/// output and update the file deliberately: run the tests with RUNLENS_APPROVE=1, then read the diff before committing
/// (<see cref="ApprovedFile"/>).
/// </summary>
public sealed class ApprovedReportTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "hf-trainer-multi-eval-overfit", "md" },
        { "hf-trainer-multi-eval-overfit", "text" },
        { "hf-trainer-mt5-summarization-rouge", "md" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Report_matches_the_approved_file(string example, string format)
    {
        var result = await ImporterCatalog.ImportAsync(Fixtures.Example(example));
        var run = result.Runs[0];
        run = run with { Identity = run.Identity with { Source = run.Identity.Source with { Path = "examples/" + example } } };
        var diagnosis = new Diagnoser().Diagnose(run);
        using var ms = new MemoryStream();
        Renderers.For(format).Render([diagnosis], ms);
        var actual = Encoding.UTF8.GetString(ms.ToArray());

        ApprovedFile.Verify($"{example}.{(format == "md" ? "md" : "txt")}", actual);
    }
}
