using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Model;

namespace Runlens.Tests.Analysis.Rules;

public abstract class RuleTestBase
{
    /// <summary>Findings of one rule, through the real diagnoser (so coverage blocking applies). Every finding of the
    /// diagnosis, of any rule, must carry evidence as data (<see cref="EvidenceAudit"/>).</summary>
    internal static IReadOnlyList<Finding> Findings(Run run, string slug, params string[] settings)
    {
        var diagnosis = new Diagnoser(RuleSettings.Parse(settings, RuleCatalog.All)).Diagnose(run);
        Assert.Empty(diagnosis.Coverage.RuleErrors);
        EvidenceAudit.Check(diagnosis.Findings, run);
        return [.. diagnosis.Findings.Where(f => f.Rule == slug)];
    }

    /// <summary>Findings of one rule over a run with validation predictions.</summary>
    internal static IReadOnlyList<Finding> Findings(Run run, Runlens.Analysis.Evaluation.PredictionContext predictions, string slug, params string[] settings)
    {
        var diagnosis = new Diagnoser(RuleSettings.Parse(settings, RuleCatalog.All)).Diagnose(run, predictions);
        Assert.Empty(diagnosis.Coverage.RuleErrors);
        EvidenceAudit.Check(diagnosis.Findings, run, predictions);
        return [.. diagnosis.Findings.Where(f => f.Rule == slug)];
    }

    internal static Diagnosis Diagnose(Run run)
    {
        var diagnosis = new Diagnoser().Diagnose(run);
        EvidenceAudit.Check(diagnosis.Findings, run);
        return diagnosis;
    }

    /// <summary>The finding's evidence as the record it must be.</summary>
    internal static T EvidenceOf<T>(Finding finding) where T : Evidence => Assert.IsType<T>(finding.Evidence);
}
