using System.Text.Json.Serialization;

namespace Runlens.Audit.Results;

/// <summary>The typed numbers behind an audit finding. Each check has its own record; the keys are one vocabulary across
/// checks (<c>examined</c>, <c>count</c>, <c>threshold</c>, …).</summary>
[JsonPolymorphic]
[JsonDerivedType(typeof(ThresholdEvidence))]
[JsonDerivedType(typeof(CopiesEvidence))]
[JsonDerivedType(typeof(ClassBalanceEvidence))]
[JsonDerivedType(typeof(LabelDriftEvidence))]
[JsonDerivedType(typeof(AudioFormatEvidence))]
[JsonDerivedType(typeof(ColumnsEvidence))]
[JsonDerivedType(typeof(OutOfRangeEvidence))]
[JsonDerivedType(typeof(IdColumnEvidence))]
[JsonDerivedType(typeof(LabelFeatureEvidence))]
public abstract record AuditEvidence(int Examined, int Count);
