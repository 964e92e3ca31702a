using System.Text.Json;
using System.Text.Json.Serialization;
using Runlens.Analysis.Findings;

namespace Runlens.Reports.Audit;

/// <summary>Severity as the contracts write it: <c>info</c>, <c>warning</c>, <c>error</c>.</summary>
internal sealed class SeverityJsonConverter() : JsonStringEnumConverter<Severity>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false);
