namespace Runlens.Tests.Clients;

/// <summary>The class fixture of the tests that use <see cref="PythonVenv"/>: xUnit disposes it after the last of them,
/// which deletes the virtual environment from the temporary folder.</summary>
public sealed class PythonVenvCleanup : IDisposable
{
    public void Dispose() => PythonVenv.DeleteMade();
}
