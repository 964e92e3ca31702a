using System.Text.Json.Serialization;
using Runlens.Reports.Contracts;

namespace Runlens.Server.Contracts;

/// <summary>The native API's answers, written as every contract is (<see cref="ContractJson.CreateOptions"/>: snake_case,
/// NaN as "NaN", nulls written) and indented with two spaces, as MLflow's server answers.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    Converters = [typeof(ConfigValueJsonConverter), typeof(EvidenceJsonConverter)])]
[JsonSerializable(typeof(StoredRunJson))]
[JsonSerializable(typeof(RunsPageJson))]
[JsonSerializable(typeof(ErrorJson))]
[JsonSerializable(typeof(EmptyJson))]
[JsonSerializable(typeof(AppendedJson))]
[JsonSerializable(typeof(CreatedRunJson))]
[JsonSerializable(typeof(PredictionsUploadJson))]
[JsonSerializable(typeof(SeriesListJson))]
[JsonSerializable(typeof(SeriesPointsJson))]
internal sealed partial class ServerJsonContext : JsonSerializerContext
{
    public static ServerJsonContext Indented { get; } = new(ContractJson.CreateOptions(indented: true));
}
