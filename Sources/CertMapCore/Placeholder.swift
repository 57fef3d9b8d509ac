import X509
public enum Placeholder {}
