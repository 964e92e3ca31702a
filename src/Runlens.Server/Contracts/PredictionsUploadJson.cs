namespace Runlens.Server.Contracts;

/// <summary>An uploaded predictions file: its role (validation or training) and what it holds.</summary>
internal sealed record PredictionsUploadJson(string Role, string Summary);
