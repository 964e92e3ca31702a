using System.Collections.Immutable;

namespace Runlens.Agent.Registry;

/// <summary>The diagnosis of an experiment's runs in brief: the worst status, the best seed's headline, the root causes
/// over the seeds (most seeds first) and the merged config change of the runs' diagnoses (the key most seeds
/// recommend, with the value of the best seed's run).</summary>
public sealed record DiagnosisDigest(string Status, string Headline, ImmutableArray<RootCauseRecord> RootCauses, ImmutableArray<ConfigEditRecord> ConfigChanges, ImmutableArray<string> Findings);
