namespace Runlens.Analysis.Rules.DataAndLabels;

/// <summary>One example whose given label the predictions confidently contradict.</summary>
public sealed record SuspectedLabel(string ExampleId, string Given, string Suspected, double PGiven, double PSuspected, double Margin);
