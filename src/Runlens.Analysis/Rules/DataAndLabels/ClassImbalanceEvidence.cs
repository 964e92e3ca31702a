using Runlens.Analysis.Findings;

namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>RL0301 from the logged evaluation metrics: accuracy far above macro-F1 at one evaluation.</summary>
public sealed record ClassImbalanceEvidence(
    string EvidenceSource,
    string AccuracySeries,
    string MacroF1Series,
    long Step,
    double Accuracy,
    double MacroF1,
    double Gap,
    double Threshold,
    long FinalStep,
    double FinalGap) : Evidence;
