namespace NetGen.Generator
{
    /// <summary>Version stamped into [GeneratedCode]; kept constant so snapshots do not churn between builds.</summary>
    internal static class ThisAssembly
    {
        public const string Version = "0.1.0";
    }
}
