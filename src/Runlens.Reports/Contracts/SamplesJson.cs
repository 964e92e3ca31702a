namespace Runlens.Reports.Contracts;

/// <summary>A few correct and incorrect examples to look at.</summary>
public sealed record SamplesJson(IReadOnlyList<ExampleJson> Correct, IReadOnlyList<ExampleJson> Incorrect);
