namespace Runlens.Storage;

/// <summary>A parameter logged again with another value (parameters are write-once, as in MLflow).</summary>
public sealed class ParamConflictException(string runId, string key, string oldValue, string newValue)
    : StoreException($"Changing param values is not allowed. Param with key='{key}' was already logged with value='{oldValue}' for run ID='{runId}'. Attempted logging new value '{newValue}'.")
{
    public string Key { get; } = key;
}
