// Type shims for dependencies that ship no declarations.
declare module 'circomlibjs'
declare module 'snarkjs'
declare module 'ffjavascript'
declare module 'circom2'
