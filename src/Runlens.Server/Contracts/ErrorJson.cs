namespace Runlens.Server.Contracts;

/// <summary>An error answer (MLflow's shape): a code such as <c>INVALID_PARAMETER_VALUE</c> and a message that says what to do.</summary>
internal sealed record ErrorJson(string ErrorCode, string Message);
